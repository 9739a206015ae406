"""``hydra-sim export``, ``push`` and ``lrs``: session records leaving the store (files, an LRS).

Imported only when one of its commands runs (hydra_sim/cli/__init__.py lists them); it may import
the engine and records; Qt only inside a handler that opens a window or draws.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..trainer_cli import add_login_options, needs_trainer
from .common import _data_out


def add_parsers(sub) -> None:
    export = sub.add_parser("export", help="export session records: CSV, JSON, HTML or PDF reports, xAPI")
    export.add_argument("--format", choices=("csv", "json", "html", "pdf", "xapi"), default="csv")
    export.add_argument("--what", choices=("sessions", "decisions", "requests", "team", "cohort"),
                        default="sessions",
                        help="sessions (one row or report each), decisions (one row each), requests (one row per "
                             "request for information, CSV), team (one row per team action of a seated session, "
                             "CSV), or a cohort report")
    export.add_argument("--session", metavar="ID", help="only this session")
    export.add_argument("--trainee", metavar="ID", help="only this trainee's sessions")
    export.add_argument("--scenario", dest="scenario_id", metavar="ID", help="only sessions of this scenario id")
    export.add_argument("--status", choices=("in_progress", "finished", "abandoned"), help="only sessions with this status")
    export.add_argument("--output", metavar="PATH", help="write here (default: stdout; pdf needs PATH)")
    export.add_argument("--iri-base", default=None, metavar="IRI", help="xAPI IRI base (default: https://hydra-sim.example.org)")
    export.add_argument("--home", metavar="DIR", default=argparse.SUPPRESS, help="keep all user data under DIR")
    add_login_options(export)
    export.set_defaults(handler=needs_trainer(_cmd_export))

    push = sub.add_parser("push", help="send finished sessions as xAPI statements to a Learning Record Store")
    push.add_argument("--endpoint", metavar="URL",
                      help="the LRS xAPI address, e.g. https://lrs/xAPI (default: saved with 'hydra-sim lrs set')")
    push.add_argument("--user", metavar="USER", help="the LRS user (basic auth key; default: the saved one)")
    push.add_argument("--password-env", default="HYDRA_SIM_LRS_PASSWORD", metavar="VAR",
                      help="environment variable holding the password (default: %(default)s); otherwise the "
                           "password saved in the OS keyring, otherwise asked for when interactive")
    push.add_argument("--save-password", action="store_true",
                      help="save the endpoint and user in settings.ini and the password in the OS keyring "
                           "(never in a file; refused where there is no secure keyring)")
    push.add_argument("--iri-base", default=None, metavar="IRI", help="xAPI IRI base")
    push.add_argument("--batch-size", type=int, default=50, metavar="N")
    push.add_argument("--home", metavar="DIR", default=argparse.SUPPRESS, help="keep all user data under DIR")
    add_login_options(push)
    push.set_defaults(handler=needs_trainer(_cmd_push))

    _add_lrs_commands(sub)


def _open_store_or_report():
    from ..records import SessionStore, StoreError, default_store_path

    path = default_store_path()
    if not path.exists():
        print(f"hydra-sim: no session store at {path} (nothing recorded yet, or check --home)", file=sys.stderr)
        return None
    try:
        return SessionStore(path)
    except StoreError as exc:
        print(f"hydra-sim: {exc}", file=sys.stderr)
        return None


def _register_export(path, kind: str, summaries) -> None:
    """Note the file in the export register, so erasure and access requests find it."""
    from ..records import export_register
    export_register.note(path, kind, [s.trainee.trainee_id for s in summaries])


def _cmd_export(args) -> int:
    from ..records import StoreError, exports
    from ..records.xapi import DEFAULT_IRI_BASE, statements_for

    if args.format == "pdf" and not args.output:
        print("hydra-sim export: --format pdf needs --output FILE", file=sys.stderr)
        return 2
    store = _open_store_or_report()
    if store is None:
        return 1
    try:
        with store:
            summaries = exports.select_sessions(store, session_id=args.session, trainee_id=args.trainee,
                                                scenario_id=args.scenario_id, status=args.status)
            records = exports.gather_all(store, summaries)
            store.log_trainer_action(args.trainer_login.name, "export",
                                     {"format": args.format, "what": args.what, "sessions": len(records)})
    except StoreError as exc:
        print(f"hydra-sim export: {exc}", file=sys.stderr)
        return 1
    filters = ", ".join(f"{k} {v}" for k, v in (("session", args.session), ("trainee", args.trainee),
                                                   ("scenario", args.scenario_id), ("status", args.status)) if v)
    try:
        if args.format == "xapi":
            text = json.dumps(statements_for(records, args.iri_base or DEFAULT_IRI_BASE), indent=2,
                              ensure_ascii=False)
        elif args.format == "csv":
            text = exports.decisions_csv(records) if args.what == "decisions" else (
                exports.requests_csv(records) if args.what == "requests" else (
                    exports.team_csv(records) if args.what == "team" else (
                        exports.sessions_csv(records) if args.what == "sessions" else None)))
            if text is None:
                print("hydra-sim export: a cohort is a report: use --format html, pdf or json", file=sys.stderr)
                return 2
        elif args.format == "json":
            text = exports.cohort_json(records) if args.what == "cohort" else exports.sessions_json(records)
        else:
            if args.what == "cohort":
                text = exports.cohort_html(records, filters=filters)
            elif len(records) == 1:
                text = exports.session_html(records[0])
            else:
                print("hydra-sim export: an HTML or PDF session report is for one session: give --session ID "
                      f"({len(records)} sessions match), or use --what cohort", file=sys.stderr)
                return 2
    except ValueError as exc:
        print(f"hydra-sim export: {exc}", file=sys.stderr)
        return 2
    if args.format == "pdf":
        try:
            from ..gui.report_pdf import html_to_pdf
        except ImportError as exc:
            print(f"hydra-sim export: PDF needs the app's Qt libraries ({exc})", file=sys.stderr)
            return 1
        html_to_pdf(text, args.output)
        _owner_only(args.output)
        _register_export(args.output, f"{args.format} report", summaries)
        print(args.output)
        return 0
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8", newline="")
        _owner_only(args.output)
        _register_export(args.output, f"{args.format} report", summaries)
        print(args.output)
    else:
        _data_out().write(text if text.endswith("\n") else text + "\n")
    return 0


def _owner_only(path) -> None:
    """Exports hold personal data: readable by their owner only (POSIX), unless it is not a regular file."""
    from ..records import filemodes

    if Path(path).is_file():
        filemodes.restrict(path)


def _lrs_password(variable: str, settings=None) -> str | None:
    """The LRS password: the environment variable, then the OS keyring, then a prompt (never a file)."""
    from ..records import credentials

    def ask():
        if sys.stdin.isatty():
            import getpass
            return getpass.getpass(f"LRS password (or set {variable}): ")
        return None

    if settings is None:
        import os
        return os.environ.get(variable) or ask()
    return credentials.password_from(settings, variable, ask)[0]


def _lrs_target(args):
    """Endpoint and user from the command line, else the saved ones; None after printing why."""
    from ..records import credentials

    try:
        saved = credentials.load_settings()
    except ValueError as exc:
        print(f"hydra-sim push: {exc}", file=sys.stderr)
        return None
    endpoint = args.endpoint or (saved.endpoint if saved else None)
    user = args.user or (saved.user if saved else None)
    if not endpoint or not user:
        print("hydra-sim push: give --endpoint and --user, or save them once with "
              "'hydra-sim lrs set --endpoint URL --user USER'", file=sys.stderr)
        return None
    return credentials.LrsSettings(endpoint.strip().rstrip("/"), user.strip())


def _cmd_push(args) -> int:
    from ..records import StoreError
    from ..records.lrs import LrsClient
    from ..records.queue import XapiQueue
    from ..records.xapi import DEFAULT_IRI_BASE, queue_finished_sessions

    target = _lrs_target(args)
    if target is None:
        return 2
    password = _lrs_password(args.password_env, target)
    if not password:
        print(f"hydra-sim push: no password: set {args.password_env}, save one with 'hydra-sim lrs set', "
              "or run it in a terminal to be asked", file=sys.stderr)
        return 2
    try:
        client = LrsClient(target.endpoint, target.user, password, batch_size=args.batch_size)
    except ValueError as exc:
        print(f"hydra-sim push: {exc}", file=sys.stderr)
        return 2
    if args.save_password:
        _save_lrs(target, password, "hydra-sim push")
    store = _open_store_or_report()
    with XapiQueue() as queue:
        if store is not None:
            try:
                with store:
                    added = queue_finished_sessions(store, queue, client.endpoint, args.iri_base or DEFAULT_IRI_BASE)
                    store.log_trainer_action(args.trainer_login.name, "xAPI push", {"statements_queued": added})
            except (StoreError, ValueError) as exc:
                print(f"hydra-sim push: {exc}", file=sys.stderr)
                return 1
            if added:
                print(f"queued {added} new statement{'s' if added != 1 else ''}", file=sys.stderr)
        result = client.flush(queue)
    for error in result.errors:
        print(f"hydra-sim push: {error}", file=sys.stderr)
    print(f"sent {result.sent}, already there {result.already}, still queued {result.queued}")
    return 0 if result.queued == 0 else 1


# -- lrs: saved LRS settings (endpoint and user in settings.ini, password in the OS keyring) ----
def _add_lrs_commands(sub) -> None:
    lrs = sub.add_parser("lrs", help="save, show or forget the Learning Record Store settings used by push")
    lrs.add_argument("--home", metavar="DIR", default=argparse.SUPPRESS, help="keep all user data under DIR")
    actions = lrs.add_subparsers(dest="lrs_command", metavar="ACTION", required=True)
    set_ = actions.add_parser("set", help="save the endpoint and user, and the password in the OS keyring")
    set_.add_argument("--endpoint", required=True, metavar="URL", help="the LRS xAPI address")
    set_.add_argument("--user", required=True, metavar="USER", help="the LRS user (basic auth key)")
    set_.add_argument("--password-env", default="HYDRA_SIM_LRS_PASSWORD", metavar="VAR",
                      help="read the password to save from this variable (default: %(default)s; else asked)")
    set_.add_argument("--no-password", action="store_true", help="save the endpoint and user only")
    set_.add_argument("--home", metavar="DIR", default=argparse.SUPPRESS, help="keep all user data under DIR")
    show = actions.add_parser("show", help="show the saved endpoint and user and where the password is kept")
    show.add_argument("--home", metavar="DIR", default=argparse.SUPPRESS, help="keep all user data under DIR")
    forget = actions.add_parser("forget", help="remove the saved settings and the password from the keyring")
    forget.add_argument("--home", metavar="DIR", default=argparse.SUPPRESS, help="keep all user data under DIR")
    for action in (set_, forget):
        add_login_options(action)
    for action in (set_, show, forget):
        action.set_defaults(handler=needs_trainer(_cmd_lrs, when=lambda a: a.lrs_command in ("set", "forget")))


def _save_lrs(target, password: str | None, who: str) -> bool:
    """Save endpoint and user, and the password in the keyring; False (after saying why) if not all was saved."""
    from ..records import credentials

    try:
        path = credentials.save_settings(target)
    except ValueError as exc:
        print(f"{who}: {exc}", file=sys.stderr)
        return False
    print(f"saved the LRS endpoint and user in {path}", file=sys.stderr)
    if password is None:
        return True
    try:
        credentials.save_password(target, password)
    except credentials.KeyringUnavailable as exc:
        print(f"{who}: the password was NOT saved: {exc}", file=sys.stderr)
        return False
    print(f"saved the password in the OS keyring ({credentials.keyring_description()})", file=sys.stderr)
    return True


def _cmd_lrs(args) -> int:
    import os

    from ..records import credentials

    who = f"hydra-sim lrs {args.lrs_command}"
    try:
        if args.lrs_command == "show":
            saved = credentials.load_settings()
            if saved is None:
                print(f"no LRS settings saved in {credentials.settings_path()}")
                return 0
            print(f"endpoint: {saved.endpoint}\nuser: {saved.user}")
            try:
                credentials.secure_backend()
            except credentials.KeyringUnavailable as exc:
                print(f"password: not saved ({exc})")
                return 0
            found = credentials.get_password(saved)
            print("password: " + (f"saved in the OS keyring ({credentials.keyring_description()})" if found
                                  else "not saved (push uses $HYDRA_SIM_LRS_PASSWORD or asks)"))
            return 0
        if args.lrs_command == "forget":
            removed = credentials.forget()
            print("removed the saved LRS settings and password" if removed else "no LRS settings were saved")
            return 0
    except ValueError as exc:
        print(f"{who}: {exc}", file=sys.stderr)
        return 1
    target = credentials.LrsSettings(args.endpoint.strip().rstrip("/"), args.user.strip())
    password = None
    if not args.no_password:
        try:
            credentials.secure_backend()
        except credentials.KeyringUnavailable as exc:
            _save_lrs(target, None, who)
            print(f"{who}: the password was NOT saved: {exc}", file=sys.stderr)
            return 1
        password = os.environ.get(args.password_env)
        if not password and sys.stdin.isatty():
            import getpass
            password = getpass.getpass("LRS password to save in the OS keyring: ")
        if not password:
            print(f"{who}: no password: set {args.password_env} or run it in a terminal to be asked "
                  "(or use --no-password)", file=sys.stderr)
            return 2
    return 0 if _save_lrs(target, password, who) else 1
