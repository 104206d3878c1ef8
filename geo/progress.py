"""Progress reporting shared by long operations (CLI bars and job status use it)."""

from collections.abc import Callable

# Called with the fraction done (0..1) and a short message.
Progress = Callable[[float, str], None]


def no_progress(_fraction: float, _message: str) -> None:
    """Report nowhere."""
