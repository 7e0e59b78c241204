"""Collecting a fleet: every task's outcome read from the result backend as it finishes, printed
in input order as soon as the lines before it are in, with a progress bar and the summary."""

import sys
from typing import Callable, Dict, List, Optional, TextIO

from actionhost import exit_codes
from celery import Celery

from .fleet_record import FleetRecord
from .fleet_results import (Outcome, Summary, from_task_meta, line_text, refused,
                            unknown_outcome)
from .fleet_submit import BROKER_ERRORS

PROG = "actionhost-fleet"


class Progress:
    """[#####.....] 500/1000 done, on stderr when it is a terminal (as actionhost --batch)."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0
        self.shown = sys.stderr.isatty() and total > 0

    def advance(self, count: int = 1) -> None:
        self.done += count
        if self.shown:
            filled = 30 * self.done // self.total
            sys.stderr.write("\r[%s%s] %d/%d done" % ("#" * filled, "." * (30 - filled),
                                                      self.done, self.total))
            sys.stderr.flush()

    def finish(self) -> None:
        if self.shown:
            sys.stderr.write("\n")


def collect(app: Celery, record: FleetRecord, out: TextIO, say: Callable[[str], None],
            poll_interval: float = 0.2) -> int:
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
        out.flush()

    progress.advance(len(record.entries) - len(index_of))  # the refused lines
    flush_ready()
    try:
        for task_id, meta in app.backend.get_many(list(index_of), interval=poll_interval):
            outcomes[index_of[task_id]] = from_task_meta(meta)
            progress.advance()  # counts finished tasks, whatever their order
            flush_ready()
    except BROKER_ERRORS as error:
        progress.finish()
        say("the result backend %s became unreachable (%s): the lines not printed yet are "
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
        say("interrupted: the tasks go on in the workers; collect the results with: "
            "%s collect %s" % (PROG, record.group_id))
        return exit_codes.SIGINT
    progress.finish()
    say("batch: " + summary.text())
    return summary.exit_code
