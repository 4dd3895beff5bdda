"""Exponential backoff with full jitter, as AWS recommends for retries against DynamoDB.

Full jitter (a random wait between 0 and the exponential ceiling) spreads the
retries of several workers apart, so they do not throttle again together.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from loaders.dynamodb import stop


@dataclass(frozen=True)
class Backoff:
    """Attempt n (from 0) waits a random time in [0, min(cap, base * 2**n)] seconds; `attempts` bounds the tries."""

    base: float = 0.05
    cap: float = 5.0
    attempts: int = 10

    def delay(self, attempt: int) -> float:
        return random.uniform(0, min(self.cap, self.base * 2**attempt))

    def sleep(self, attempt: int) -> float:
        """Wait before retry number `attempt`; returns the seconds waited. A stop asked meanwhile raises `StopAsked`."""
        seconds = self.delay(attempt)
        stop.pause(seconds)
        return seconds
