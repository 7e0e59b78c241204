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
import uuid
from typing import Dict, List, Optional, TextIO

import redis
from actionhost import exit_codes
from celery import Celery
from celery.result import AsyncResult, GroupResult
from kombu.exceptions import OperationalError

from . import fleet_record
from .batch_input import BatchRefused, read_batch
from .failures import error_result
from .fleet_results import (Outcome, Summary, from_task_meta, line_text, refused, result_text,
                            unknown_outcome)
from .fleet_record import Entry, FleetRecord

PROG = "actionhost-fleet"
BROKER_ERRORS = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError,
                 OperationalError)


def _say(message: str) -> None:
    print("%s: %s" % (PROG, message), file=sys.stderr, flush=True)


def _fail(error_type: str, message: str, code: int, out: TextIO) -> int:
    _say(message)
    print(result_text(error_result(error_type, message)), file=out, flush=True)
    return code


class Progress:
    """[#####.....] 500/1000 done, on stderr when it is a terminal (as actionhost --batch)."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0
        self.shown = sys.stderr.isatty() and total > 0

    def advance(self) -> None:
        self.done += 1
        if self.shown:
            filled = 30 * self.done // self.total
            sys.stderr.write("\r[%s%s] %d/%d done" % ("#" * filled, "." * (30 - filled),
                                                      self.done, self.total))
            sys.stderr.flush()

    def finish(self) -> None:
        if self.shown:
            sys.stderr.write("\n")


def submit(app: Celery, target: str, path: str, soft_time_limit: Optional[float],
           queue: Optional[str]) -> FleetRecord:
    """Reads the batch, records the fleet, then publishes one task per sendable line."""
    from .tasks import run_action  # the task registers with the app on import

    lines = read_batch(path, say=_say)
    group_id = str(uuid.uuid4())
    entries = [Entry(line.number, refusal=line.refusal) if line.refusal is not None
               else Entry(line.number, task_id=str(uuid.uuid4())) for line in lines]
    record = FleetRecord(group_id, target, entries)
    # The record first: once a task is out, `collect` can always find it.
    fleet_record.save(app, record)
    options = {"group_id": group_id}
    if soft_time_limit is not None:
        options["soft_time_limit"] = soft_time_limit
    if queue:
        options["queue"] = queue
    published = 0
    try:
        with app.producer_or_acquire() as producer:
            for line, entry in zip(lines, entries):
                if entry.task_id is None:
                    continue
                run_action.apply_async((target, line.params), task_id=entry.task_id,
                                       producer=producer, **options)
                published += 1
    except BROKER_ERRORS as error:
        raise SubmitInterrupted(group_id, published, len(record.task_ids), error) from None
    GroupResult(group_id, [AsyncResult(i, app=app) for i in record.task_ids], app=app).save()
    return record


class SubmitInterrupted(Exception):
    def __init__(self, group_id: str, published: int, total: int, cause: BaseException) -> None:
        super().__init__(group_id, published, total, cause)
        self.group_id, self.published, self.total, self.cause = group_id, published, total, cause


def collect(app: Celery, record: FleetRecord, out: TextIO, poll_interval: float = 0.2) -> int:
    """Waits for every task of the fleet and prints the results in input order as they can be."""
    outcomes: List[Optional[Outcome]] = [None] * len(record.entries)
    index_of: Dict[str, int] = {}
    for index, entry in enumerate(record.entries):
        if entry.refusal is not None:
            outcomes[index] = refused(entry.refusal)
        elif entry.task_id:
            index_of[entry.task_id] = index
    summary = Summary()
    progress = Progress(len(record.entries))
    printed = 0

    def flush_ready() -> None:
        nonlocal printed
        while printed < len(outcomes) and outcomes[printed] is not None:
            result, code = outcomes[printed]  # type: ignore[misc]
            print(line_text(record.entries[printed].line, result), file=out)
            summary.add(result, code)
            printed += 1
            progress.advance()
        out.flush()

    flush_ready()
    try:
        for task_id, meta in app.backend.get_many(list(index_of), interval=poll_interval):
            outcomes[index_of[task_id]] = from_task_meta(meta)
            flush_ready()
    except BROKER_ERRORS as error:
        progress.finish()
        _say("the result backend %s became unreachable (%s): the lines not printed yet are "
             "ResultUnknown, not done; collect them later with: %s collect %s"
             % (app.actionhost_settings.broker_for_people, error, PROG, record.group_id))
        for index, outcome in enumerate(outcomes):
            if outcome is None:
                outcomes[index] = unknown_outcome(
                    "the result backend became unreachable before this line's outcome was read; "
                    "collect again with: %s collect %s" % (PROG, record.group_id))
        flush_ready()
    except KeyboardInterrupt:
        progress.finish()
        _say("interrupted: the tasks go on in the workers; collect the results with: "
             "%s collect %s" % (PROG, record.group_id))
        return exit_codes.SIGINT
    progress.finish()
    _say("batch: " + summary.text())
    return summary.exit_code


def _arguments(argv: Optional[List[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.splitlines()[0])
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
        if args.soft_time_limit is not None and not args.soft_time_limit > 0:
            return _fail("Usage", "--soft-time-limit must be a positive number of seconds",
                         exit_codes.USAGE, out)
        try:
            record = submit(app, args.target, args.batch, args.soft_time_limit, args.queue)
        except BatchRefused as error:
            return _fail("InvalidParameter", str(error), exit_codes.USAGE, out)
        except SubmitInterrupted as error:
            if error.published == 0:
                what = "nothing was submitted"
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
    return collect(app, record, out)


if __name__ == "__main__":
    sys.exit(main())
