"""`ecoleads leads ...`: cluster unassigned evidence, check the clustering."""

import typer

from app.cli.support import fails_cleanly, progress_bar, transaction
from app.settings import get_settings

leads_cli = typer.Typer(help="Leads (线索).", no_args_is_help=True)


@leads_cli.command("cluster")
@fails_cleanly
def leads_cluster() -> None:
    """Place evidence that has no lead yet (e.g. bulk imports) in scored leads."""
    from app.services.leads.pipeline import place, unassigned

    with progress_bar("clustering evidence") as report, transaction() as session:
        placed = place(
            session, unassigned(session), actor="system", settings=get_settings(), progress=report
        )
    joined = len(placed.leads) - len(placed.created)
    typer.echo(f"{len(placed.created)} leads created, {joined} existing leads joined", err=True)


@leads_cli.command("check")
@fails_cleanly
def leads_check() -> None:
    """Re-cluster all evidence from scratch and compare with the stored leads (exit 1 if not)."""
    from app.services.leads.regroup import grouping, recluster_preview

    with transaction() as session:
        stored, fresh = grouping(session), recluster_preview(session)
    if stored == fresh:
        typer.echo(f"clustering reproducible: {len(stored)} leads")
        return
    typer.echo(
        f"stored leads differ from a fresh clustering ({len(stored)} vs {len(fresh)} "
        "groups): merges and splits by hand explain a difference",
        err=True,
    )
    raise typer.Exit(1)
