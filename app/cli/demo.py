"""`ecoleads demo`: load the demo data."""

import typer

from app.cli.support import fails_cleanly, progress_bar, transaction
from app.settings import get_settings


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
        f"demo: imported {summary.imported or 'nothing new'}; "
        f"{summary.organisations} organisations; {reports} demo reports; "
        f"air: {', '.join(air) or 'nothing new'}; "
        f"imagery: {', '.join(imagery) or 'nothing new'}; "
        f"partners: {', '.join(partners) or 'nothing new'}; "
        f"demo prosecutor: {DEMO_PROSECUTOR[0]} / {DEMO_PROSECUTOR[1]}; "
        f"demo Beijing partner: {DEMO_PARTNER[0]} / {DEMO_PARTNER[1]}",
        err=True,
    )
