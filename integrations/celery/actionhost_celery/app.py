"""The Celery application: Redis as broker and result backend, and the delivery guarantees the
actions rely on.

- acks_late + reject_on_worker_lost: a task is acknowledged only when it has finished, so the task
  of a worker process killed mid-action goes back to the queue and runs again (the plugin's
  precheck makes that safe: a disk already detached is `already_detached`, nothing is sent).
- prefetch 1: a worker holds no more tasks than it runs, so a dead worker strands none and the
  others share the rest.
- visibility_timeout: how long a task taken by a worker *node* that vanished altogether (its main
  process killed too) stays invisible before Redis hands it out again (Celery's default 1 h).
- JSON only: nothing pickled crosses the broker.
- RestoreVanishedTasks: those tasks come back within a few seconds of that timeout, not up to
  100 s later (see vanished_tasks.py).
- EventLoopTick: without it, acks_late with prefetch 1 leaves a worker idle for seconds between
  tasks on Redis (see event_loop_tick.py).
"""

from celery import Celery

from .event_loop_tick import EventLoopTick
from .settings import Settings, from_environment
from .vanished_tasks import RestoreVanishedTasks


def make_app(settings: Settings) -> Celery:
    app = Celery("actionhost_celery", broker=settings.broker_url, backend=settings.broker_url,
                 include=["actionhost_celery.tasks"])
    app.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_transport_options={"visibility_timeout": settings.visibility_timeout},
        task_soft_time_limit=settings.soft_time_limit,
    )
    app.steps["worker"].add(EventLoopTick)
    app.steps["consumer"].add(RestoreVanishedTasks)
    app.actionhost_settings = settings  # type: ignore[attr-defined]
    return app


# `celery -A actionhost_celery worker` looks for this name. Settings are read once per process,
# from the environment the worker (or actionhost-fleet) was started with.
app = make_app(from_environment())
