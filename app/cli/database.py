"""`ecoleads migrate` and `ecoleads legal-update`: the schema and the legal bases."""

from typing import Annotated

import typer

from app import migrate
from app.cli.support import fails_cleanly, progress_bar, transaction
from app.settings import get_settings


@fails_cleanly
def migrate_cmd(
    revision: Annotated[str, typer.Option(help="target revision")] = "head",
    down: Annotated[bool, typer.Option("--down", help="downgrade to the revision")] = False,
) -> None:
    """Migrate the configured database (ECOLEADS_DATABASE_URL, default var/db/ecoleads.db)."""
    url = get_settings().resolved_database_url
    if down:
        migrate.downgrade(url, revision if revision != "head" else "base")
    else:
        migrate.upgrade(url, revision)
    typer.echo(f"database at {'base' if down and revision == 'head' else revision}", err=True)
    if not down and revision == "head":
        legal_update()


@fails_cleanly
def legal_update() -> None:
    """Bring the legal bases in step with the seed and re-match the open leads' bases
    (`migrate` runs it after upgrading to head)."""
    from app.services.leads.legal_update import update_legal

    with progress_bar("legal bases") as bar, transaction() as session:
        written, changed = update_legal(session, progress=bar)
    typer.echo(f"legal bases: {written} rows written, {changed} open leads re-matched", err=True)
