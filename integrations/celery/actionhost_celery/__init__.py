"""actionhost_celery: actionhost plugin actions as Celery tasks, with Redis as broker.

    celery -A actionhost_celery worker          # workers (config and credentials from their env)
    actionhost-fleet run compshare-disk.detach --batch disks.jsonl   # a fleet of actions

See integrations/celery/README.md. `app` and `run_action` are imported on first use, so that
actionhost-fleet can report a bad setting of the environment as a usage error instead of failing
while this package is imported.
"""

from typing import Any

from .failures import ActionFailed

__all__ = ["app", "run_action", "ActionFailed", "TASK_NAME"]


def __getattr__(name: str) -> Any:
    if name == "app":
        from .app import app
        return app
    if name in ("run_action", "TASK_NAME"):
        from . import tasks
        return getattr(tasks, name)
    raise AttributeError("module 'actionhost_celery' has no attribute %r" % name)
