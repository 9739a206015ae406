"""``hydra-sim verify``, ``rescore``, ``trainee``, ``retention``, ``export-bundle``, ``import-bundle``:
the session store's own commands.

Imported only when one of its commands runs (hydra_sim/cli/__init__.py lists them); it may import
the engine and records; Qt only inside a handler that opens a window or draws.
"""

from __future__ import annotations

import argparse
import json
import sys

from .. import paths
from ..trainer_cli import add_login_options, needs_trainer
from .common import _data_out, _load_or_report


def _add_records_commands(sub) -> None:
    def home(command):          # --home after the subcommand too; SUPPRESS keeps a --home given before it
        command.add_argument("--home", metavar="DIR", default=argparse.SUPPRESS, help="keep all user data under DIR")
        return command

    def trainer(command):       # a trainer command: --trainer and --passphrase-file too
        return add_login_options(home(command))

    verify = home(sub.add_parser("verify", help="check the session records' hash chains for tampering"))
    verify.add_argument("--store", metavar="FILE", help="check this store file (a copy, a backup) instead of the "
                                                         "home's; it is only read, never changed")
    verify.set_defaults(handler=_cmd_verify)

    rescore = trainer(sub.add_parser("rescore", help="re-score a stored session against a (newer) scenario file"))
    rescore.add_argument("session_id", metavar="SESSION_ID")
    rescore.add_argument("scenario", metavar="SCENARIO_FILE")
    rescore.add_argument("--json", action="store_true", help="print the stored rescore as JSON")
    rescore.set_defaults(handler=needs_trainer(_cmd_rescore))

    trainee = trainer(sub.add_parser("trainee", help="list, export or delete a trainee's records (UK GDPR)"))
    actions = trainee.add_subparsers(dest="action", metavar="ACTION", required=True)
    add_login_options(actions.add_parser("list", help="every trainee id with sessions"))
    export = add_login_options(actions.add_parser("export", help="everything stored about a trainee, as JSON"))
    export.add_argument("trainee_id", metavar="ID")
    export.add_argument("--output", metavar="FILE", help="write to FILE (default: stdout)")
    delete = add_login_options(actions.add_parser("delete", help="delete every session of a trainee"))
    delete.add_argument("trainee_id", metavar="ID")
    delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    trainee.set_defaults(handler=needs_trainer(_cmd_trainee))

    retention = trainer(sub.add_parser("retention", help="save the retention period and delete older sessions"))
    retention.add_argument("--months", type=int, metavar="N", help="keep sessions for N months (saved)")
    retention.add_argument("--off", action="store_true", help="clear the saved retention period")
    retention.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    retention.set_defaults(handler=needs_trainer(_cmd_retention))

    export_bundle = trainer(sub.add_parser("export-bundle", help="write sessions to a bundle file for another machine"))
    export_bundle.add_argument("file", metavar="FILE", help="the bundle (.jsonl, or .jsonl.gz compressed)")
    export_bundle.add_argument("--trainee", metavar="ID", help="only this trainee's sessions")
    export_bundle.set_defaults(handler=needs_trainer(_cmd_export_bundle))

    import_bundle = trainer(sub.add_parser("import-bundle", help="add the sessions of a bundle file to this store"))
    import_bundle.add_argument("file", metavar="FILE")
    import_bundle.set_defaults(handler=needs_trainer(_cmd_import_bundle))

    check_bundle = home(sub.add_parser("check-bundle", help="check a bundle's hash chains (and seals, given its key)"))
    check_bundle.add_argument("file", metavar="FILE")
    check_bundle.set_defaults(handler=_cmd_check_bundle)


def _records_command(run, readonly: bool = False):
    """Open the session store for a records command; a StoreError becomes a message and exit code 1.
    ``readonly``: the command only reads (verify), so the file is opened read-only and never changed."""
    if not callable(run):
        return lambda function: _records_command(function, readonly=run)

    def handler(args) -> int:
        from ..records import SessionStore, StoreError, default_store_path

        if getattr(args, "home", None):
            paths.set_home(args.home)
        try:
            path = getattr(args, "store", None) or default_store_path()
            with SessionStore(path, readonly=readonly) as store:
                return run(args, store)
        except StoreError as exc:
            print(f"hydra-sim {args.command}: {exc.message}", file=sys.stderr)
            return 1
    return handler


def _confirm(question: str, yes: bool) -> bool:
    """--yes, or an interactive "y"; refuses (False) when stdin is not a terminal."""
    if yes:
        return True
    stdin = sys.stdin
    if stdin is None or not stdin.isatty():
        print("not deleting: confirm with --yes when not running interactively", file=sys.stderr)
        return False
    print(f"{question} [y/N] ", end="", flush=True)
    return stdin.readline().strip().lower() in ("y", "yes")


def _session_line(summary) -> str:
    return (f"{summary.session_id}  {summary.trainee.trainee_id}  {summary.scenario_id} {summary.scenario_version}"
            f"  started {summary.started_at}  last activity {summary.updated_at}  {summary.status}")


def _confirm_deletion(sessions, question: str, yes: bool) -> bool:
    """List the sessions about to be deleted, one line each, then ask as ``_confirm`` does."""
    for summary in sessions:
        print(_session_line(summary))
    return _confirm(question, yes)


@_records_command(True)
def _cmd_verify(args, store) -> int:
    issues = store.verify()
    status = store.integrity_status()
    count = len(store.sessions())
    if status["key_present"]:
        print(f"records key: fingerprint {status['fingerprint']} ({status['key_path']}); note it down: "
              "a different fingerprint later means the key was replaced")
    else:
        print(f"no records key at {status['key_path']}: the hash chains were checked, but not the seals that tell "
              "an honest record from a re-hashed forgery (check it where its records key is)")
    for issue in issues:          # a damaged id may hold bytes that are not text: printed escaped
        print(str(issue).encode("utf-8", "backslashreplace").decode("utf-8"))
    unkeyed = status["unkeyed"]
    if unkeyed:
        since = min(unkeyed.values())[:10]
        print(f"{len(unkeyed)} session{'s' if len(unkeyed) != 1 else ''} unkeyed (older format): chained before "
              f"this store had a records key, sealed since {since}; edits made before then cannot be detected")
    if status["key_present"]:
        print(f"{status['keyed']} keyed (sealed with this installation's records key from their start)")
    bad = len({i.session_id for i in issues if i.session_id})
    store_problems = sum(1 for i in issues if not i.session_id)     # "the store: ..." lines, not a session's
    also = (f"; the store itself has {store_problems} problem{'s' if store_problems != 1 else ''} (above)"
            if store_problems else "")
    print(f"{count} session{'s' if count != 1 else ''} verified, {bad} with problems{also}")
    return 1 if issues else 0


def _cmd_check_bundle(args) -> int:
    from ..records import keys
    from ..records.bundles import BundleError, check_bundle

    if getattr(args, "home", None):
        paths.set_home(args.home)
    location = keys.key_path_for(paths.home_dir() / "records" / "sessions.sqlite3")
    try:
        key = keys.load_or_create(location) if location.exists() else None
        result = check_bundle(args.file, key)
    except (BundleError, keys.RecordsKeyError, OSError) as exc:
        print(f"hydra-sim check-bundle: {exc}", file=sys.stderr)
        return 1
    for problem in result.problems:
        print(problem)
    print(f"exported by the installation whose records key has fingerprint {result.fingerprint or 'unknown'}")
    if result.seals_checked:
        print("this installation holds that key: hash chains AND seals checked (consistency and authenticity)")
    else:
        print("this installation does not hold that key: hash chains checked (consistency), seals NOT checked: "
              "someone who rewrote the bundle and recomputed its hashes would not be detected here")
    print(f"{result.sessions} session{'s' if result.sessions != 1 else ''} checked, "
          f"{len(result.problems)} problem{'s' if len(result.problems) != 1 else ''}")
    return 1 if result.problems else 0


@_records_command
def _cmd_rescore(args, store) -> int:
    from ..engine.runner import ReplayError

    scenario = _load_or_report(args.scenario)
    if scenario is None:
        return 1
    original = store.session(args.session_id)
    try:
        stored = store.rescore(args.session_id, scenario, author=args.trainer_login.name)
    except (ValueError, ReplayError) as exc:
        print(f"hydra-sim rescore: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(stored, indent=2, ensure_ascii=False))
    else:
        was = f"{original.percent}% {original.grade}" if original.grade else "not finished"
        catalogues = ", ".join(f"{k} {v}" for k, v in stored["catalogues"].items()) or "none"
        print(f"session {args.session_id}: {scenario.id} {scenario.version} (catalogues {catalogues})")
        print(f"  original: {was}; rescored: {stored['percent']}% {stored['grade_id']} (rescore {stored['id']})")
    return 0


@_records_command
def _cmd_trainee(args, store) -> int:
    if args.action == "list":
        for trainee_id in store.trainee_ids():
            print(f"{trainee_id}\t{len(store.sessions(trainee_id=trainee_id))} sessions")
        return 0
    from ..records.erasure import erase_trainee, find_trainee
    if args.action == "export":
        from ..records.privacy import trainee_export_text, write_trainee_export
        store.log_trainer_action(args.trainer_login.name, "subject access export", {})
        if args.output:
            count = write_trainee_export(store, args.trainee_id, args.output)
            print(f"wrote {count} session{'s' if count != 1 else ''} of {args.trainee_id} to {args.output}",
                  file=sys.stderr)
        else:
            _data_out().write(trainee_export_text(store, args.trainee_id))
        print("places searched:", *(f"  {p.line()}" for p in find_trainee(store, args.trainee_id)), sep="\n",
              file=sys.stderr)
        return 0
    sessions = store.sessions(trainee_id=args.trainee_id)
    if not sessions and not args.yes:
        print(f"no sessions of trainee {args.trainee_id} in the store; add --yes to remove them from the "
              "other places (queue, exports, logs, settings)", file=sys.stderr)
        return 1
    if sessions and not _confirm_deletion(sessions, f"Delete these {len(sessions)} sessions of {args.trainee_id} "
                                          "and everything attached, with its copies?", args.yes):
        return 1
    places = erase_trainee(store, args.trainee_id, by=args.trainer_login.name)
    count = places[0].found
    print(f"deleted {count} session{'s' if count != 1 else ''} of {args.trainee_id}; every place searched:")
    for place in places:
        print(f"  {place.line()}")
    return 1 if any(p.where.startswith("still holds") for p in places) else 0


@_records_command
def _cmd_retention(args, store) -> int:
    if args.off:
        store.set_retention_months(None, by=args.trainer_login.name)
        print("retention period cleared: sessions are kept until deleted")
        return 0
    if args.months is not None:
        if args.months < 1:
            print("hydra-sim retention: --months must be 1 or more", file=sys.stderr)
            return 2
        store.set_retention_months(args.months, by=args.trainer_login.name)
    months = store.retention_months()
    if months is None:
        print("no retention period set (use --months N)")
        return 0
    due = store.sessions_older_than(months)
    print(f"retention period: {months} months; {len(due)} session{'s' if len(due) != 1 else ''} older than that")
    if not due:
        return 0
    if not _confirm_deletion(due, f"Delete these {len(due)} sessions and everything attached?", args.yes):
        return 1
    from ..records.privacy import delete_with_copies
    deleted = delete_with_copies(store, [s.session_id for s in due], by=args.trainer_login.name)
    print(f"deleted {deleted} sessions, with their queued statements and the exports that held only them")
    return 0


@_records_command
def _cmd_export_bundle(args, store) -> int:
    from ..records.bundles import export_bundle
    count = export_bundle(store, args.file, trainee_id=args.trainee)
    store.log_trainer_action(args.trainer_login.name, "bundle export", {"sessions": count})
    print(f"wrote {count} session{'s' if count != 1 else ''} to {args.file}")
    return 0


@_records_command
def _cmd_import_bundle(args, store) -> int:
    from ..records.bundles import BundleError, import_bundle
    try:
        result = import_bundle(store, args.file)
    except BundleError as exc:
        print(f"hydra-sim import-bundle: {exc}", file=sys.stderr)
        return 1
    store.log_trainer_action(args.trainer_login.name, "bundle import",
                             {"added": result.added, "already_present": result.skipped_existing,
                              "rejected": len(result.rejected)})
    for reason in result.rejected:
        print(f"rejected: {reason}")
    print(f"{result.added} added, {result.skipped_existing} already present, {len(result.rejected)} rejected")
    return 1 if result.rejected else 0
