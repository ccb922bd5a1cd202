"""Login throttling with the `limits` package: failed logins counted per
account and per client address in a moving window. While either is
exhausted every login is refused (429 with Retry-After), the right password
included, so guessing gains nothing. The counters live in the process
(`MemoryStorage`): one `dondoc serve` holds them; several web processes
would each count on their own (a shared `limits` storage would be the next step)."""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, RateLimitItemPerMinute
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after_s: int = 0  # seconds until one more attempt is allowed


class LoginThrottle:
    def __init__(self, *, per_account: int, per_address: int, window_minutes: int) -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._account: RateLimitItem = RateLimitItemPerMinute(per_account, window_minutes)
        self._address: RateLimitItem = RateLimitItemPerMinute(per_address, window_minutes)

    def _keys(self, username: str, address: str) -> list[tuple[RateLimitItem, str]]:
        return [(self._account, "account:" + username.strip().casefold()[:80]), (self._address, "address:" + address)]

    def check(self, username: str, address: str) -> Verdict:
        """May this attempt be tried? (It consumes nothing.)"""
        waits = [self._wait(item, key) for item, key in self._keys(username, address)
                 if not self._limiter.test(item, key)]
        return Verdict(False, max(waits)) if waits else Verdict(True)

    def failed(self, username: str, address: str) -> None:
        for item, key in self._keys(username, address):
            self._limiter.hit(item, key)

    def succeeded(self, username: str, address: str) -> None:
        """A right password clears the account's count (never the address's)."""
        item, key = self._keys(username, address)[0]
        self._limiter.clear(item, key)

    def _wait(self, item: RateLimitItem, key: str) -> int:
        reset = self._limiter.get_window_stats(item, key).reset_time
        return max(1, math.ceil(reset - time.time()))
