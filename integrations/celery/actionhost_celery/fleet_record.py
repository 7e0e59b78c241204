"""What actionhost-fleet keeps in Redis about a submitted batch, so that `collect ID` can print
every line in input order later, from any machine: the target, and for each non-blank input line
its number and either its task id or why it was refused (never its params). It expires with the
results (Celery's result_expires)."""

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import List, Optional

from celery import Celery

_KEY = "actionhost-fleet:%s"


@dataclass
class Entry:
    line: int
    task_id: Optional[str] = None
    refusal: Optional[str] = None


@dataclass
class FleetRecord:
    group_id: str
    target: str
    entries: List[Entry]

    @property
    def task_ids(self) -> List[str]:
        return [entry.task_id for entry in self.entries if entry.task_id]


def _expiry_seconds(app: Celery) -> Optional[int]:
    expires = app.conf.result_expires
    if isinstance(expires, timedelta):
        return max(1, int(expires.total_seconds()))
    return int(expires) if expires else None


def save(app: Celery, record: FleetRecord) -> None:
    document = {"target": record.target,
                "lines": [[e.line, e.task_id, e.refusal] for e in record.entries]}
    app.backend.client.set(_KEY % record.group_id, json.dumps(document),
                           ex=_expiry_seconds(app))


def load(app: Celery, group_id: str) -> Optional[FleetRecord]:
    raw = app.backend.client.get(_KEY % group_id)
    if raw is None:
        return None
    document = json.loads(raw)
    return FleetRecord(group_id, document["target"],
                       [Entry(line, task_id, refusal) for line, task_id, refusal
                        in document["lines"]])
