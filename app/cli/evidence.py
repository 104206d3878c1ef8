"""`ecoleads evidence gc`: sweep the evidence store."""

from typing import Annotated

import typer

from app.cli.support import fails_cleanly, transaction
from app.settings import get_settings

evidence_cli = typer.Typer(help="The evidence store.", no_args_is_help=True)


@evidence_cli.command("gc")
@fails_cleanly
def evidence_gc(
    grace_s: Annotated[
        float | None,
        typer.Option(help="keep files stored this recently (s); default from settings"),
    ] = None,
) -> None:
    """Delete evidence files that no row references (left by a crash or a refused request)."""
    from app.services.files.evidence_gc import sweep_evidence
    from app.services.files.evidence_store import LocalEvidenceStore

    settings = get_settings()
    grace = settings.evidence_gc_grace_s if grace_s is None else grace_s
    if grace < 0:
        raise typer.BadParameter("--grace-s must be 0 or more")
    with transaction() as session:
        store = LocalEvidenceStore(settings.evidence_dir)
        done = sweep_evidence(session, store=store, grace_s=grace)
    for key in done.removed:
        typer.echo(f"removed {key}")
    typer.echo(
        f"{done.checked} files checked, {len(done.removed)} removed, "
        f"{done.kept_young} kept as stored within the last {grace:g} s",
        err=True,
    )
