"""`ecoleads evidence gc` sweeps the evidence store; `ecoleads evidence archive` copies
originals to the WORM object store and `ecoleads evidence verify` audits their fixity."""

from typing import TYPE_CHECKING, Annotated

import typer

from app.cli.support import fails_cleanly, transaction
from app.settings import Settings, get_settings

if TYPE_CHECKING:
    from app.services.files.archived_store import ArchivedEvidenceStore

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


@evidence_cli.command("archive")
@fails_cleanly
def evidence_archive() -> None:
    """Copy committed originals to the WORM object store (ECOLEADS_EVIDENCE_STORE) now,
    record their custody and drop their staged copies (the service does this on its own)."""
    from app.cli.support import progress_bar
    from app.db import get_sessionmaker
    from app.services.files.archive import ArchiveError
    from app.services.files.archiving import archive_originals

    settings = get_settings()
    store = _archived(settings)
    sessions = get_sessionmaker()
    try:
        with progress_bar("archiving originals") as report:
            done = archive_originals(
                sessions,
                sessions,
                store,
                keep_staged=settings.evidence_keep_staged,
                progress=report,
            )
    except ArchiveError as exc:  # what was archived stays recorded; the rest waits
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(
        f"{len(done.archived)} originals archived, {done.dropped} staged copies dropped, "
        f"{len(done.missing)} missing",
        err=True,
    )
    if done.missing:
        raise typer.Exit(1)


@evidence_cli.command("verify")
@fails_cleanly
def evidence_verify() -> None:
    """Fixity audit: check every archived original in the object store (version, SHA-256,
    COMPLIANCE retention) against its custody record; exit 1 if one does not check out."""
    from app.cli.support import progress_bar
    from app.db import get_sessionmaker
    from app.services.files.archiving import verify_archive

    store = _archived(get_settings())
    with progress_bar("checking archived originals") as report:
        found = verify_archive(get_sessionmaker(), store.archive, progress=report)
    for sha256, problem in found.problems:
        typer.echo(f"{sha256}: {problem}")
    typer.echo(
        f"{found.checked} archived originals checked, {len(found.problems)} problems, "
        f"{found.waiting} originals waiting to be archived",
        err=True,
    )
    if found.problems:
        raise typer.Exit(1)


def _archived(settings: Settings) -> "ArchivedEvidenceStore":
    """The configured store with its object-store archive, or a one-line refusal."""
    from app.services.files.archived_store import ArchivedEvidenceStore, evidence_store

    store = evidence_store(settings)
    if not isinstance(store, ArchivedEvidenceStore):
        raise typer.BadParameter("no object store: set ECOLEADS_EVIDENCE_STORE=s3://bucket")
    return store
