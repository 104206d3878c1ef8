"""The `ecoleads` command: migrate, serve, layers, organisations, geocode, demo data."""

import json
from pathlib import Path
from typing import Annotated

import typer

from app import migrate
from app.air_cli import air_cli
from app.cli_support import dump, fails_cleanly, progress_bar, transaction
from app.dossier.cli import dossier_cli
from app.imagery_cli import imagery_cli
from app.settings import get_settings

cli = typer.Typer(
    help="EcoLeads: evidence-backed leads for environmental public-interest litigation.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
layers_cli = typer.Typer(help="Reference layers.", no_args_is_help=True)
orgs_cli = typer.Typer(help="Organisations (procuratorates).", no_args_is_help=True)
users_cli = typer.Typer(help="User accounts.", no_args_is_help=True)
tokens_cli = typer.Typer(help="Long-lived API tokens for machine clients.", no_args_is_help=True)
audit_cli = typer.Typer(help="The tamper-evident log.", no_args_is_help=True)
evidence_cli = typer.Typer(help="The evidence store.", no_args_is_help=True)
leads_cli = typer.Typer(help="Leads (线索).", no_args_is_help=True)
cli.add_typer(layers_cli, name="layers")
cli.add_typer(orgs_cli, name="orgs")
cli.add_typer(users_cli, name="users")
cli.add_typer(tokens_cli, name="tokens")
cli.add_typer(audit_cli, name="audit")
cli.add_typer(evidence_cli, name="evidence")
cli.add_typer(leads_cli, name="leads")
cli.add_typer(dossier_cli, name="dossier")
cli.add_typer(air_cli, name="air")
cli.add_typer(imagery_cli, name="imagery")


@cli.command("migrate")
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


@cli.command("legal-update")
@fails_cleanly
def legal_update() -> None:
    """Bring the legal bases in step with the seed and re-match the open leads' bases
    (`migrate` runs it after upgrading to head)."""
    from app.services.leads.legal_update import update_legal

    with progress_bar("legal bases") as bar, transaction() as session:
        written, changed = update_legal(session, progress=bar)
    typer.echo(f"legal bases: {written} rows written, {changed} open leads re-matched", err=True)


@cli.command("serve")
def serve() -> None:
    """Serve the API on ECOLEADS_HOST:ECOLEADS_PORT (default 127.0.0.1:8000).

    SIGTERM or Ctrl-C: stop within ECOLEADS_SHUTDOWN_TIMEOUT_S (requests under way may
    finish in the first half; running jobs go back to the queue if they are not done).
    """
    from app.server import serve as run

    run(get_settings())


@cli.command("worker")
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

    raise typer.Exit(run_worker(get_settings(), concurrency=concurrency, once=once))


@layers_cli.command("import")
@fails_cleanly
def layers_import(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    kind: Annotated[str, typer.Option(help="water_source_zone, wetland, admin_division, …")],
    name: Annotated[str, typer.Option(help="layer name; re-importing makes a new version")],
    title: Annotated[str | None, typer.Option(help="display title")] = None,
    crs: Annotated[str | None, typer.Option(help="override: gcj02, bd09, EPSG:<code>")] = None,
    name_field: Annotated[str | None, typer.Option()] = None,
    level_field: Annotated[str | None, typer.Option()] = None,
    code_field: Annotated[str | None, typer.Option()] = None,
    level: Annotated[str | None, typer.Option(help="one level for every feature")] = None,
    grade_field: Annotated[str | None, typer.Option(help="nature reserves: grade field")] = None,
    grade: Annotated[
        str | None, typer.Option(help="nature reserves: one grade (国家公园, 国家级, 省级, …)")
    ] = None,
) -> None:
    """Import a GeoJSON, GeoPackage or zipped Shapefile as a new layer version."""
    from app.services.places.layers import import_layer
    from geo.layers import ReadOptions

    options = ReadOptions(
        kind=kind,
        crs=crs,
        name_field=name_field,
        level_field=level_field,
        code_field=code_field,
        level=level,
        grade_field=grade_field,
        grade=grade,
    )
    with progress_bar(f"importing {path.name}") as report, transaction() as session:
        version = import_layer(
            session,
            path=path,
            name=name,
            kind=kind,
            title=title,
            filename=path.name,
            options=options,
            progress=report,
        )
        out = {
            "layer": name,
            "version": version.version,
            "features": version.feature_count,
            "repaired": version.repaired_count,
            "skipped": version.skipped_count,
            "source_crs": version.source_crs,
            "sha256": version.source_sha256,
        }
    dump(out)


@layers_cli.command("list")
@fails_cleanly
def layers_list() -> None:
    """List layers and their newest versions."""
    from app.services.places.layers import list_layers

    with transaction() as session:
        for layer, versions in list_layers(session):
            v = versions[0] if versions else None
            typer.echo(
                f"{layer.name}\t{layer.kind}\tv{v.version if v else '-'}\t"
                f"{v.feature_count if v else 0} features\t{v.source_sha256 if v else ''}"
            )


@orgs_cli.command("list")
@fails_cleanly
def orgs_list() -> None:
    """List organisations."""
    from app.services.accounts.organisations import list_organisations

    with transaction() as session:
        for org in list_organisations(session):
            typer.echo(f"{org.code}\t{org.role}\t{org.level}\t{org.name}")


@orgs_cli.command("upsert")
@fails_cleanly
def orgs_upsert(
    code: Annotated[str, typer.Option()],
    name: Annotated[str, typer.Option()],
    role: Annotated[str, typer.Option(help="own or partner")],
    level: Annotated[str, typer.Option(help="province, city or county")],
    name_en: Annotated[str | None, typer.Option()] = None,
    parent: Annotated[str | None, typer.Option(help="parent organisation code")] = None,
    layer: Annotated[str | None, typer.Option(help="layer holding the jurisdiction")] = None,
    feature_code: Annotated[str | None, typer.Option(help="code of the feature")] = None,
) -> None:
    """Create or update an organisation, its jurisdiction taken from a layer feature."""
    from app.services.accounts.organisations import upsert_organisation

    with transaction() as session:
        org = upsert_organisation(
            session,
            code=code,
            name=name,
            role=role,
            level=level,
            name_en=name_en,
            parent_code=parent,
            layer=layer,
            feature_code=feature_code,
        )
        typer.echo(f"{org.code}\t{org.name}\t{org.jurisdiction_source or 'no jurisdiction'}")


@users_cli.command("create")
@fails_cleanly
def users_create(
    username: Annotated[str, typer.Option(help="login name (or a phone / e-mail)")],
    password: Annotated[str, typer.Option(help="at least 8 characters")],
    role: Annotated[str, typer.Option(help="admin, prosecutor, volunteer or partner")],
    org: Annotated[str, typer.Option(help="organisation code, e.g. 130700")],
    display_name: Annotated[str | None, typer.Option()] = None,
    phone: Annotated[str | None, typer.Option()] = None,
    email: Annotated[str | None, typer.Option()] = None,
) -> None:
    """Create a user account."""
    from app.services.accounts.auth import create_user

    with transaction() as session:
        user = create_user(
            session,
            role=role,
            org_code=org,
            password=password,
            username=username,
            display_name=display_name or username,
            phone=phone,
            email=email,
        )
        typer.echo(f"{user.id}\t{user.username}\t{user.role}\t{org}")


@tokens_cli.command("create")
@fails_cleanly
def tokens_create(
    username: Annotated[str, typer.Option(help="the token's owner")],
    name: Annotated[str, typer.Option(help="what the token is for")],
    scopes: Annotated[
        str | None, typer.Option(help="comma-separated; default all of the role's")
    ] = None,
    days: Annotated[int, typer.Option(min=1, max=3660)] = 90,
) -> None:
    """Create an API token; the secret is printed once and only its hash is kept."""
    from datetime import timedelta

    from app.services.accounts.auth import get_user
    from app.services.accounts.tokens import issue_token

    with transaction() as session:
        user = get_user(session, username=username)
        wanted = [x.strip() for x in scopes.split(",") if x.strip()] if scopes else None
        raw, token = issue_token(
            session, user=user, kind="api", scopes=wanted, name=name, ttl=timedelta(days=days)
        )
        typer.echo(raw)
        typer.echo(
            f"token {token.prefix}… for {user.username}, scopes {', '.join(token.scopes)}, "
            f"expires {token.expires_at:%Y-%m-%d}; it will not be shown again",
            err=True,
        )


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


@cli.command("geocode")
@fails_cleanly
def geocode_cmd(
    lon: Annotated[float | None, typer.Option(help="longitude")] = None,
    lat: Annotated[float | None, typer.Option(help="latitude")] = None,
    geometry: Annotated[str | None, typer.Option(help="GeoJSON geometry text or @file")] = None,
    crs: Annotated[str, typer.Option(help="wgs84, gcj02, bd09 or EPSG:<code>")] = "wgs84",
    partner_distance_m: Annotated[float | None, typer.Option()] = None,
) -> None:
    """Geocode a point or a GeoJSON geometry; print the result as JSON."""
    from app.services.places.geocode import geocode_geometry, resolve_input

    geo_json = None
    if geometry is not None:
        text = Path(geometry[1:]).read_text("utf-8") if geometry.startswith("@") else geometry
        try:
            geo_json = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise typer.BadParameter(f"--geometry is not JSON: {exc}") from exc
    item = resolve_input(
        lon=lon,
        lat=lat,
        geometry=geo_json,
        crs=crs,
        max_vertices=get_settings().geometry_max_vertices,
    )
    settings = get_settings()
    with transaction() as session:
        result = geocode_geometry(
            session,
            geometry=item,
            partner_distance_m=partner_distance_m or settings.partner_distance_m,
            nearest_max_m=settings.nearest_max_m,
        )
    dump(result)


@cli.command("geocode-batch")
@fails_cleanly
def geocode_batch_cmd(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    out: Annotated[Path, typer.Option("--out", "-o", help="CSV to write")],
    crs: Annotated[str, typer.Option(help="wgs84, gcj02, bd09 or EPSG:<code>")] = "wgs84",
    partner_distance_m: Annotated[float | None, typer.Option()] = None,
) -> None:
    """Geocode a CSV (lon,lat[,id]) or GeoJSON of points into a CSV, one row per point."""
    from app.jobs.kinds import batch_geocode_file
    from app.jobs.registry import JobContext
    from geo.crs import parse_crs

    settings = get_settings()
    parse_crs(crs)
    with progress_bar(f"geocoding {path.name}") as report, transaction() as session:
        summary = batch_geocode_file(
            JobContext(session, settings, "cli", report),
            path,
            crs,
            partner_distance_m or settings.partner_distance_m,
            out,
        )
    typer.echo(f"{summary['points']} points geocoded into {out}", err=True)


@cli.command("demo")
@fails_cleanly
def demo_cmd() -> None:
    """Load the demo layers and organisations (only what changed since the last load)."""
    from app.services.demo.air import load_demo_air
    from app.services.demo.base import DEMO_PROSECUTOR, load_demo, load_demo_reports
    from app.services.demo.imagery import load_demo_imagery
    from app.services.demo.partners import DEMO_PARTNER, load_demo_partners

    with progress_bar("loading demo data") as report, transaction() as session:
        summary = load_demo(session, progress=report)
        reports = load_demo_reports(session, settings=get_settings())
        air = load_demo_air(session, settings=get_settings())
        imagery = load_demo_imagery(session, settings=get_settings())
        partners = load_demo_partners(session, settings=get_settings())
    typer.echo(
        f"demo: imported {summary['imported'] or 'nothing new'}; "
        f"{summary['organisations']} organisations; {reports} demo reports; "
        f"air: {', '.join(air) or 'nothing new'}; "
        f"imagery: {', '.join(imagery) or 'nothing new'}; "
        f"partners: {', '.join(partners) or 'nothing new'}; "
        f"demo prosecutor: {DEMO_PROSECUTOR[0]} / {DEMO_PROSECUTOR[1]}; "
        f"demo Beijing partner: {DEMO_PARTNER[0]} / {DEMO_PARTNER[1]}",
        err=True,
    )


def main() -> None:
    """Entry point of the `ecoleads` console script."""
    cli(prog_name="ecoleads")


if __name__ == "__main__":
    main()
