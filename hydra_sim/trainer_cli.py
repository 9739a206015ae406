"""The command line's trainer login and the ``hydra-sim trainer`` command (accounts: records/trainers.py).

Trainer commands (review, rescore, export, push, trainee, retention, bundles, LRS settings,
recording a marked playthrough) call ``needs_trainer``: the trainer's name comes from
``--trainer``, ``$HYDRA_SIM_TRAINER`` or the only account; the passphrase from
``--passphrase-file FILE`` (its first line), ``$HYDRA_SIM_TRAINER_PASSPHRASE``, or a prompt
that does not echo. It is never printed or logged. With no account yet, the first use sets
one up (whoever installs hydra_sim does this once). Must not import Qt.
"""

from __future__ import annotations

import argparse
import functools
import getpass
import os
import sys

from . import paths

NAME_ENV = "HYDRA_SIM_TRAINER"
PASSPHRASE_ENV = "HYDRA_SIM_TRAINER_PASSPHRASE"


def add_login_options(command: argparse.ArgumentParser) -> argparse.ArgumentParser:
    command.add_argument("--trainer", metavar="NAME", default=argparse.SUPPRESS,
                         help=f"the trainer account (default: ${NAME_ENV}, or the only account)")
    command.add_argument("--passphrase-file", metavar="FILE", default=argparse.SUPPRESS,
                         help=f"read the trainer passphrase from FILE's first line (scripts; else ${PASSPHRASE_ENV}, "
                              "else asked without echo)")
    return command


def _interactive() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def _passphrase(args, prompt: str, confirm: bool = False) -> str | None:
    path = getattr(args, "passphrase_file", None)
    if path:
        try:
            with open(path, encoding="utf-8") as handle:
                return handle.readline().rstrip("\r\n")
        except OSError as exc:
            raise ValueError(f"cannot read the passphrase file {path} ({exc.strerror or exc})") from exc
    if os.environ.get(PASSPHRASE_ENV):
        return os.environ[PASSPHRASE_ENV]
    if not _interactive():
        return None
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("The same passphrase again: ") != first:
        raise ValueError("the two passphrases differ; nothing was changed")
    return first


def login(args, who: str):
    """The trainer's ``TrainerLogin``, or None after saying (on stderr) why not."""
    from .records import trainers

    if getattr(args, "home", None):
        paths.set_home(args.home)
    accounts = trainers.TrainerAccounts()
    try:
        names = accounts.names()
        name = getattr(args, "trainer", None) or os.environ.get(NAME_ENV) or (names[0] if len(names) == 1 else None)
        if not names:
            if not name and _interactive():
                name = input("No trainer account is set up yet. Name for the first trainer account: ")
            passphrase = _passphrase(args, "New trainer passphrase: ", confirm=True) if name else None
            if not name or passphrase is None:
                print(f"{who}: this is a trainer command, and no trainer account is set up yet: run "
                      "'hydra-sim trainer setup NAME' (whoever installs hydra_sim does this once)", file=sys.stderr)
                return None
            made = accounts.create(name, passphrase)
            print(f"{who}: set up the first trainer account '{made.name}' in {accounts.path}. Keep the "
                  "passphrase safe; 'hydra-sim trainer add' adds more trainers", file=sys.stderr)
            return made
        if not name and _interactive():
            name = input("Trainer name: ")
        if not name:
            print(f"{who}: there are several trainer accounts: give --trainer NAME or set ${NAME_ENV}",
                  file=sys.stderr)
            return None
        passphrase = _passphrase(args, f"Trainer passphrase for {name}: ")
        if passphrase is None:
            print(f"{who}: this is a trainer command: give the trainer passphrase (--passphrase-file FILE or "
                  f"${PASSPHRASE_ENV}), or run it in a terminal to be asked", file=sys.stderr)
            return None
        return accounts.login(name, passphrase)
    except (trainers.TrainerError, ValueError) as exc:
        print(f"{who}: {exc}", file=sys.stderr)
        if getattr(exc, "detail", ""):
            print(f"{who}: {exc.detail}", file=sys.stderr)      # the technical part, for whoever set it up
        return None


def needs_trainer(handler, when=None):
    """Wrap a command handler so it runs only after a trainer login (``args.trainer_login``).

    ``when(args)``: only then is a login needed (e.g. ``lrs set`` but not ``lrs show``)."""
    @functools.wraps(handler)
    def guarded(args) -> int:
        if when is None or when(args):
            who = f"hydra-sim {args.command}"
            found = login(args, who)
            if found is None:
                return 1
            args.trainer_login = found
        return handler(args)
    return guarded


# -- hydra-sim trainer ------------------------------------------------------------------------
def add_trainer_command(sub) -> None:
    trainer = sub.add_parser("trainer", help="set up, add, list or reset the trainer accounts")
    trainer.add_argument("--home", metavar="DIR", default=argparse.SUPPRESS, help="keep all user data under DIR")
    actions = trainer.add_subparsers(dest="trainer_command", metavar="ACTION", required=True)
    setup = add_login_options(actions.add_parser("setup", help="make the first trainer account (once, on installing)"))
    setup.add_argument("name", metavar="NAME")
    add = add_login_options(actions.add_parser("add", help="add a trainer account (a trainer logs in first)"))
    add.add_argument("name", metavar="NAME")
    add.add_argument("--new-passphrase-file", metavar="FILE", help="the new trainer's passphrase (scripts)")
    add_login_options(actions.add_parser("passwd", help="change your trainer passphrase"))
    remove = add_login_options(actions.add_parser("remove", help="remove a trainer account (a trainer logs in)"))
    remove.add_argument("name", metavar="NAME")
    actions.add_parser("list", help="the trainer account names")
    reset = actions.add_parser("reset", help="RECOVERY: remove every trainer account (needs write access to the home)")
    reset.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    for action in actions.choices.values():
        action.add_argument("--home", metavar="DIR", default=argparse.SUPPRESS, help="keep all user data under DIR")
    trainer.set_defaults(handler=_cmd_trainer)


def _cmd_trainer(args) -> int:
    from .records import trainers

    if getattr(args, "home", None):
        paths.set_home(args.home)
    who = f"hydra-sim trainer {args.trainer_command}"
    accounts = trainers.TrainerAccounts()
    try:
        if args.trainer_command == "list":
            names = accounts.names()
            print("\n".join(names) if names else "no trainer accounts (the first trainer command sets one up)")
            return 0
        if args.trainer_command == "reset":
            return _reset(args, accounts)
        if args.trainer_command == "setup":
            if accounts.exist():
                print(f"{who}: a trainer account is set up already; use 'hydra-sim trainer add' (as a trainer), "
                      "or see Recovery in the trainer guide", file=sys.stderr)
                return 1
            passphrase = _passphrase(args, f"New passphrase for {args.name}: ", confirm=True)
            if passphrase is None:
                print(f"{who}: give the passphrase (--passphrase-file FILE or ${PASSPHRASE_ENV}), or run it in a "
                      "terminal to be asked", file=sys.stderr)
                return 2
            made = accounts.create(args.name, passphrase)
            print(f"set up the trainer account '{made.name}' in {accounts.path}")
            return 0
        me = login(args, who)
        if me is None:
            return 1
        if args.trainer_command == "add":
            new = _new_passphrase(args, f"Passphrase for the new trainer {args.name}: ")
            accounts.create(args.name, new, by=me)
            print(f"added the trainer account '{trainers.check_name(args.name)}'")
        elif args.trainer_command == "passwd":
            accounts.change_passphrase(me, _new_passphrase(args, "Your new passphrase: "))
            print(f"changed the passphrase of '{me.name}'")
        elif args.trainer_command == "remove":
            accounts.remove(me, args.name)
            print(f"removed the trainer account '{args.name}'")
        return 0
    except (trainers.TrainerError, ValueError) as exc:
        print(f"{who}: {exc}", file=sys.stderr)
        if getattr(exc, "detail", ""):
            print(f"{who}: {exc.detail}", file=sys.stderr)      # the technical part, for whoever set it up
        return 1


def _new_passphrase(args, prompt: str) -> str:
    path = getattr(args, "new_passphrase_file", None)
    if path:
        with open(path, encoding="utf-8") as handle:
            return handle.readline().rstrip("\r\n")
    if not _interactive():
        raise ValueError("give the new passphrase with --new-passphrase-file FILE, or run it in a terminal")
    first = getpass.getpass(prompt)
    if getpass.getpass("The same passphrase again: ") != first:
        raise ValueError("the two passphrases differ; nothing was changed")
    return first


def _reset(args, accounts) -> int:
    if not args.yes:
        if not _interactive():
            print("not resetting: confirm with --yes when not running interactively", file=sys.stderr)
            return 1
        print(f"Remove every trainer account in {accounts.path}? The records are kept; the next trainer command "
              "sets up a new first account. [y/N] ", end="", flush=True)
        if sys.stdin.readline().strip().lower() not in ("y", "yes"):
            return 1
    removed = accounts.reset()
    print("removed every trainer account; the next trainer command sets up a new first account" if removed
          else "there were no trainer accounts")
    return 0
