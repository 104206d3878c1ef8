"""What every `ecoleads` command shares: clean errors, a transaction, a progress bar."""

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from sqlalchemy.orm import Session

from app.db import get_sessionmaker
from app.errors import describe

F = TypeVar("F", bound=Callable[..., Any])


def fails_cleanly(fn: F) -> F:
    """Turn known errors into a one-line message on stderr and exit code 2."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except Exception as exc:
            status, _title, _slug, detail = describe(exc)
            if status >= 500:
                raise
            typer.echo(f"error: {detail}", err=True)
            raise typer.Exit(2) from exc

    return wrapper  # type: ignore[return-value]


@contextmanager
def transaction() -> Iterator[Session]:
    """Open a session that commits on success and rolls back on error."""
    with get_sessionmaker().begin() as session:
        yield session


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[[float, str], None]]:
    """Show a progress bar on stderr; yield a (fraction, message) reporter."""
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[msg]}"),
    )
    with Progress(*columns, console=Console(stderr=True), transient=False) as bar:
        task = bar.add_task(label, total=1.0, msg="")

        def report(fraction: float, message: str) -> None:
            bar.update(task, completed=fraction, msg=message)

        yield report
        bar.update(task, completed=1.0)


def dump(data: Any) -> None:
    """Print data as indented JSON (UTF-8 text kept readable)."""
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
