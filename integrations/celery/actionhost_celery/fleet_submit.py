"""Submitting a fleet: the batch read with --batch's rules, the fleet's record saved in Redis,
then one task per sendable line, published over one producer connection. If the broker fails
part-way, SubmitInterrupted says how many tasks went out (they can still be collected)."""

import uuid
from typing import Any, Callable, Dict, Optional

import redis
from celery import Celery
from celery.result import AsyncResult, GroupResult
from kombu.exceptions import OperationalError

from . import fleet_record
from .batch_input import read_batch
from .fleet_record import Entry, FleetRecord

BROKER_ERRORS = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError,
                 OperationalError)


class SubmitInterrupted(Exception):
    def __init__(self, group_id: str, published: int, total: int, cause: BaseException) -> None:
        super().__init__(group_id, published, total, cause)
        self.group_id, self.published, self.total, self.cause = group_id, published, total, cause


def submit(app: Celery, target: str, path: str, soft_time_limit: Optional[float],
           queue: Optional[str], say: Callable[[str], None]) -> FleetRecord:
    """Reads the batch, records the fleet, then publishes one task per sendable line."""
    from .tasks import run_action  # the task registers with the app on import

    lines = read_batch(path, say=say)
    group_id = str(uuid.uuid4())
    entries = [Entry(line.number, refusal=line.refusal) if line.refusal is not None
               else Entry(line.number, task_id=str(uuid.uuid4())) for line in lines]
    record = FleetRecord(group_id, target, entries)
    # The record first: once a task is out, `collect` can always find it.
    fleet_record.save(app, record)
    options: Dict[str, Any] = {"group_id": group_id}
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
        # Celery's own record of the group, for its tools (`celery result`, Flower).
        GroupResult(group_id, [AsyncResult(i, app=app) for i in record.task_ids], app=app).save()
    except BROKER_ERRORS as error:
        raise SubmitInterrupted(group_id, published, len(record.task_ids), error) from None
    return record
