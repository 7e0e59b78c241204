"""A worker bootstep that gives the tasks of a vanished worker node back to the queue soon after
their visibility timeout.

A worker node killed as a whole (its main process too) cannot reject its tasks: they stay in
Redis' "unacked" set, and kombu puts back those older than the visibility timeout. But kombu's
event loop checks every 10 s and restores only on every tenth check (kombu 5.2,
QoS.restore_visible(interval=10)), so a task came back up to 100 s after its timeout (measured
here: 102 s with a 5 s timeout). This step restores them every min(10 s, timeout / 4), at least
every second; Redis' mutex still lets one worker at a time do it.
"""

from typing import Any

from celery import bootsteps


class RestoreVanishedTasks(bootsteps.StartStopStep):
    requires = {"celery.worker.consumer.tasks:Tasks"}

    def start(self, consumer: Any) -> None:
        channel = getattr(consumer.task_consumer, "channel", None)
        qos = getattr(channel, "qos", None)
        if qos is None or not hasattr(qos, "restore_visible"):
            return  # not the Redis transport
        timeout = float(getattr(qos, "visibility_timeout", 3600.0))
        period = max(1.0, min(10.0, timeout / 4))
        consumer.timer.call_repeatedly(
            period, lambda: qos.restore_visible(num=channel.unacked_restore_limit, interval=1))
