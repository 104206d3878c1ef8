"""`ecoleads layers ...`: import and list reference layers."""

from pathlib import Path
from typing import Annotated

import typer

from app.cli.support import dump, fails_cleanly, progress_bar, transaction

layers_cli = typer.Typer(help="Reference layers.", no_args_is_help=True)


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
