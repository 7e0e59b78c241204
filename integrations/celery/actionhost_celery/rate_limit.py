"""An optional limit of invocations per second per Region, shared by every worker of the broker.

Celery's own `rate_limit` is per worker and per task type; an API quota is per account and
region, whatever the number of workers. So the workers count in Redis: one counter per Region and
second (INCR, expiring after two seconds); a worker whose increment goes over the limit waits for
the next second and tries again. The wait happens in the worker: the API quota is the bottleneck
then, and re-queuing would only move the same wait into the broker.
"""

import time
from typing import Optional

import redis

from .settings import Settings

_KEY = "actionhost-celery:rate:%s:%d"


class RegionRateLimiter:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._client: Optional[redis.Redis] = None

    def _redis(self) -> redis.Redis:
        if self._client is None:
            self._client = redis.Redis.from_url(self._settings.broker_url)
        return self._client

    def acquire(self, region: str) -> float:
        """Returns once an invocation in `region` is within its limit; the seconds waited."""
        limit = self._settings.rate_limit(region)
        if limit is None:
            return 0.0
        # A limit under 1/s is a window of several seconds holding one invocation.
        window = max(1.0, 1.0 / limit)
        allowed = max(1, int(limit * window))
        waited = 0.0
        while True:
            now = time.time()
            slot = int(now // window)
            key = _KEY % (region or "-", slot)
            pipe = self._redis().pipeline()
            pipe.incr(key)
            pipe.expire(key, int(window * 2) + 1)
            count = pipe.execute()[0]
            if count <= allowed:
                return waited
            pause = (slot + 1) * window - now
            time.sleep(pause)
            waited += pause
