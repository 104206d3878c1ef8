"""`python -m app.dossier verify FILE.zip`."""

from app.cli.dossier import dossier_cli

dossier_cli(prog_name="python -m app.dossier")
