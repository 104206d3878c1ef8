"""The `ecoleads` command: its command groups, mounted under their names."""

import typer

from app.cli import (
    accounts,
    air,
    audit,
    database,
    demo,
    dossier,
    evidence,
    geocode,
    imagery,
    layers,
    leads,
    run,
)

cli = typer.Typer(
    help="EcoLeads: evidence-backed leads for environmental public-interest litigation.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
# Top-level commands first, in the order `ecoleads --help` lists them, then the groups.
cli.command("migrate")(database.migrate_cmd)
cli.command("legal-update")(database.legal_update)
cli.command("serve")(run.serve)
cli.command("worker")(run.worker_cmd)
cli.command("geocode")(geocode.geocode_cmd)
cli.command("geocode-batch")(geocode.geocode_batch_cmd)
cli.command("demo")(demo.demo_cmd)
cli.add_typer(layers.layers_cli, name="layers")
cli.add_typer(accounts.orgs_cli, name="orgs")
cli.add_typer(accounts.users_cli, name="users")
cli.add_typer(accounts.tokens_cli, name="tokens")
cli.add_typer(audit.audit_cli, name="audit")
cli.add_typer(evidence.evidence_cli, name="evidence")
cli.add_typer(leads.leads_cli, name="leads")
cli.add_typer(dossier.dossier_cli, name="dossier")
cli.add_typer(air.air_cli, name="air")
cli.add_typer(imagery.imagery_cli, name="imagery")


def main() -> None:
    """Entry point of the `ecoleads` console script."""
    cli(prog_name="ecoleads")
