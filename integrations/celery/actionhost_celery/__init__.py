"""actionhost_celery: actionhost plugin actions as Celery tasks, with Redis as broker.

    celery -A actionhost_celery worker          # workers (config and credentials from their env)
    actionhost-fleet run compshare-disk.detach --batch disks.jsonl   # a fleet of actions

See integrations/celery/README.md.
"""

from .app import app
from .failures import ActionFailed
from .tasks import TASK_NAME, run_action

__all__ = ["app", "run_action", "ActionFailed", "TASK_NAME"]
