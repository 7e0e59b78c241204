"""actionhost-fleet: a batch of plugin actions on Celery workers, reported like
`actionhost run --batch`.

    actionhost-fleet run compshare-disk.detach --batch disks.jsonl   # submit, wait, print
    actionhost-fleet run compshare-disk.detach --batch disks.jsonl --no-wait   # prints the ID
    actionhost-fleet collect ID                                      # the results, later

The broker is ACTIONHOST_CELERY_BROKER (default redis://127.0.0.1:6379/0). stdout: one result
per non-blank input line, in input order, each starting with "line". stderr: what was skipped or
refused, a progress bar on a terminal, and the summary "batch: N lines: ...; exit E". The exit
code is the worst outcome, as actionhost's. When the broker cannot be reached: exit 6 with a
BrokerUnavailable result, and every line whose outcome is unknown is ResultUnknown (exit 6),
never reported as done.
"""

import argparse
import sys
from typing import List, Optional, TextIO

from actionhost import exit_codes

from . import fleet_record
from .batch_input import BatchRefused
from .failures import error_result
from .fleet_collect import PROG, collect
from .fleet_results import result_text
from .fleet_submit import BROKER_ERRORS, SubmitInterrupted, submit


def _say(message: str) -> None:
    print("%s: %s" % (PROG, message), file=sys.stderr, flush=True)


def _fail(error_type: str, message: str, code: int, out: TextIO) -> int:
    _say(message)
    print(result_text(error_result(error_type, message)), file=out, flush=True)
    return code


def _arguments(argv: Optional[List[str]]) -> argparse.Namespace:
    summary = " ".join(__doc__.split("\n\n")[0].split())  # the docstring's first paragraph
    parser = argparse.ArgumentParser(prog=PROG, description=summary)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="submit a batch of actions and wait for the results")
    run.add_argument("target", help="PLUGIN.ACTION, e.g. compshare-disk.detach")
    run.add_argument("--batch", required=True, metavar="FILE.jsonl|-",
                     help="one params object per line")
    run.add_argument("--no-wait", action="store_true",
                     help="print the fleet id and return; `collect ID` gathers the results")
    run.add_argument("--soft-time-limit", type=float, metavar="SECONDS",
                     help="cancel each action (through the ABI) after this long")
    run.add_argument("--queue", help="the Celery queue (e.g. one per region)")
    gather = commands.add_parser("collect", help="print the results of a submitted batch")
    gather.add_argument("id", help="the id printed by run --no-wait")
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> int:
    args = _arguments(argv)
    out = sys.stdout
    try:
        from .app import app  # reads the settings: a bad variable is reported, not raised
    except ValueError as error:
        return _fail("Usage", str(error), exit_codes.USAGE, out)
    broker = app.actionhost_settings.broker_for_people
    if args.command == "run":
        plugin, _, action = args.target.partition(".")
        if not plugin or not action:
            return _fail("Usage", 'the target "%s" is not PLUGIN.ACTION (e.g. '
                         "compshare-disk.detach)" % args.target, exit_codes.USAGE, out)
        if args.soft_time_limit is not None and not args.soft_time_limit > 0:
            return _fail("Usage", "--soft-time-limit must be a positive number of seconds",
                         exit_codes.USAGE, out)
        try:
            record = submit(app, args.target, args.batch, args.soft_time_limit, args.queue,
                            _say)
        except BatchRefused as error:
            return _fail("InvalidParameter", str(error), exit_codes.USAGE, out)
        except SubmitInterrupted as error:
            if error.published == 0:
                what = "nothing was submitted"
            elif error.published == error.total:
                what = ("all %d tasks were submitted; collect them with: %s collect %s"
                        % (error.total, PROG, error.group_id))
            else:
                what = ("%d of %d tasks were submitted before it failed; collect them with: %s "
                        "collect %s" % (error.published, error.total, PROG, error.group_id))
            return _fail("BrokerUnavailable", "the broker %s is unreachable (%s): %s"
                         % (broker, error.cause, what), exit_codes.TRANSIENT, out)
        except BROKER_ERRORS as error:
            return _fail("BrokerUnavailable", "the broker %s is unreachable (%s): nothing was "
                         "submitted" % (broker, error), exit_codes.TRANSIENT, out)
        if args.no_wait:
            print(record.group_id, file=out, flush=True)
            _say("submitted %d tasks; collect the results with: %s collect %s"
                 % (len(record.task_ids), PROG, record.group_id))
            return exit_codes.OK
    else:
        try:
            loaded = fleet_record.load(app, args.id)
        except BROKER_ERRORS as error:
            return _fail("BrokerUnavailable", "the broker %s is unreachable (%s)" % (broker, error),
                         exit_codes.TRANSIENT, out)
        if loaded is None:
            return _fail("InvalidParameter", 'no fleet run "%s" in the broker %s (a wrong id, '
                         "another broker, or its results expired)" % (args.id, broker),
                         exit_codes.USAGE, out)
        record = loaded
    return collect(app, record, out, _say)


if __name__ == "__main__":
    sys.exit(main())
