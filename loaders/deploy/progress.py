"""What a sync reports its progress to; the terminal's bar and quiet lines are `reporting.progress`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol


class ProgressFactory(Protocol):
    """What a sync takes: given a table name and its request count, a context yielding `advance(done)`."""

    def __call__(self, name: str, total: int) -> AbstractContextManager[Callable[[int], None]]: ...


@contextmanager
def no_progress(name: str, total: int) -> Iterator[Callable[[int], None]]:
    """A progress factory that shows nothing."""
    yield lambda done: None
