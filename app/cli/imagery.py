"""`ecoleads imagery ...`: import images and detect change, with a progress bar."""

from pathlib import Path
from typing import Annotated

import typer

from app.cli.support import dump, fails_cleanly, progress_bar, transaction
from app.settings import get_settings

imagery_cli = typer.Typer(help="Imagery: scenes, orthomosaics, drone photos.", no_args_is_help=True)


@imagery_cli.command("import")
@fails_cleanly
def imagery_import(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    sensor: Annotated[str, typer.Option(help="sentinel2 | landsat8 | landsat7 | drone | rgb")],
    acquired: Annotated[
        str | None, typer.Option(help="ISO 8601 date or time (default: the file's tag)")
    ] = None,
    bands: Annotated[str | None, typer.Option(help='band map, e.g. {"red": 3, "nir": 4}')] = None,
    title: Annotated[str | None, typer.Option()] = None,
    illustrative: Annotated[
        bool, typer.Option(help="real pixels placed elsewhere, for demonstration only")
    ] = False,
    category: Annotated[str | None, typer.Option(help="drone photos: what they show")] = None,
) -> None:
    """Import an image: original kept, COG written and validated, footprint traced."""
    from app.services.files.archived_store import evidence_store
    from app.services.imagery.catalog import stac_item
    from app.services.imagery.ingest import ImageUpload, import_image, precheck

    settings = get_settings()
    upload = ImageUpload.from_text(
        path=path,
        name=path.name,
        sensor=sensor,
        acquired=acquired,
        bands=bands,
        title=title,
        illustrative=illustrative,
        category=category,
    )
    precheck(upload, settings)
    with progress_bar(f"importing {path.name}") as report, transaction() as session:
        image = import_image(
            session,
            upload=upload,
            store=evidence_store(settings),
            settings=settings,
            user_id=None,
            progress=report,
        )
        out = stac_item(image, "")
    dump(out)


@imagery_cli.command("detect")
@fails_cleanly
def imagery_detect(
    before: Annotated[int, typer.Option(help="image id of the earlier image")],
    after: Annotated[int, typer.Option(help="image id of the later image")],
    index: Annotated[str, typer.Option(help="ndvi | ndwi | mndwi | nbr | bsi")] = "ndvi",
    threshold: Annotated[float, typer.Option(help="index difference that is change")] = 0.2,
    min_area_m2: Annotated[float, typer.Option(help="smaller areas are specks")] = 500.0,
    direction: Annotated[
        str | None, typer.Option(help="decrease | increase | either (default: the harm)")
    ] = None,
) -> None:
    """Detect change between two images; changes in protected zones become evidence."""
    from app.services.files.archived_store import evidence_store
    from app.services.imagery.change import ChangeRequest, detect

    settings = get_settings()
    req = ChangeRequest(before, after, index, threshold, min_area_m2, direction)
    with progress_bar("detecting change") as report, transaction() as session:
        detection = detect(
            session,
            req=req,
            store=evidence_store(settings),
            settings=settings,
            user_id=None,
            progress=report,
        )
        out = {"detection_id": detection.id, **detection.summary}
    dump(out)
