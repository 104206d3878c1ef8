"""`ecoleads serve` and `ecoleads worker`: the long-running processes."""

from typing import Annotated

import typer

from app.settings import get_settings


def serve() -> None:
    """Serve the API on ECOLEADS_HOST:ECOLEADS_PORT (default 127.0.0.1:8000).

    SIGTERM or Ctrl-C: stop within ECOLEADS_SHUTDOWN_TIMEOUT_S (requests under way may
    finish in the first half; running jobs go back to the queue if they are not done).
    """
    from app.dossier.keys import KeyLocationError
    from app.http.server import serve as run
    from app.services.files.archived_store import ArchiveMisconfigured

    try:
        run(get_settings())
    except (KeyLocationError, ArchiveMisconfigured) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc


def worker_cmd(
    concurrency: Annotated[int, typer.Option(min=1, help="jobs run at once (threads)")] = 1,
    once: Annotated[bool, typer.Option("--once", help="exit when no job is queued")] = False,
) -> None:
    """Run queued jobs from the database (beside services with ECOLEADS_JOB_RUNNER=external).

    SIGTERM or Ctrl-C: take no more jobs and finish the running ones; a second signal gives
    them back to the queue and exits at once.
    """
    import app.jobs.kinds  # noqa: F401  (registers the job kinds the worker runs)
    from app.jobs.worker_process import run_worker
    from app.services.files.archived_store import ArchiveMisconfigured

    try:
        code = run_worker(get_settings(), concurrency=concurrency, once=once)
    except ArchiveMisconfigured as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    raise typer.Exit(code)
