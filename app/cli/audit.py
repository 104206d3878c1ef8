"""`ecoleads audit verify`: check the tamper-evident log."""

import typer

from app.cli.support import fails_cleanly, transaction
from app.settings import get_settings

audit_cli = typer.Typer(help="The tamper-evident log.", no_args_is_help=True)


@audit_cli.command("verify")
@fails_cleanly
def audit_verify() -> None:
    """Walk the hash chain; exit 1 naming the first entry that does not match."""
    from app.db import anchor_of
    from app.services.audit import verify

    with transaction() as session:
        report = verify(session, anchor_of(get_settings()))
    if report.ok:
        typer.echo(f"audit log intact: {report.checked} entries verified")
        return
    typer.echo(
        f"audit log BROKEN at entry {report.first_bad_id}: {report.reason} "
        f"({report.checked} entries before it verified)"
        if report.first_bad_id is not None
        else f"audit log BROKEN: {report.reason}",
        err=True,
    )
    raise typer.Exit(1)
