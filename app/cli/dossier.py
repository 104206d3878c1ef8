"""`ecoleads dossier ...`: verify a dossier ZIP, make a signing key.

Mounted in app/cli/main.py; also runs as `python -m app.dossier`.
"""

import os
from pathlib import Path
from typing import Annotated

import typer

from app.dossier.manifest import fingerprint, generate_key, verify

dossier_cli = typer.Typer(help="Signed lead files (dossiers).", no_args_is_help=True)


@dossier_cli.command("verify")
def verify_command(
    file: Annotated[Path, typer.Argument(help="The dossier ZIP.", exists=True, dir_okay=False)],
    trusted_key: Annotated[
        Path | None, typer.Option(help="The procuratorate's published public key (PEM).")
    ] = None,
) -> None:
    """Check every file's SHA-256 against the signed manifest; exit 1 naming each problem."""
    result = verify(file.read_bytes(), trusted_key.read_bytes() if trusted_key else None)
    if result.meta:
        typer.echo(f"lead {result.meta.get('lead_id')}: {result.meta.get('title')}")
    typer.echo(f"signing key fingerprint (SHA-256): {result.fingerprint or 'unknown'}")
    for problem in result.problems:
        typer.echo(f"PROBLEM: {problem}", err=True)
    if not result.ok:
        raise typer.Exit(1)
    trust = "the trusted key" if trusted_key else "the key inside the ZIP (compare its fingerprint)"
    typer.echo(f"OK: every file matches the manifest, signed by {trust}")


@dossier_cli.command("keygen")
def keygen_command(
    private_key: Annotated[Path, typer.Argument(help="Where to write the private key (PEM).")],
    public_key: Annotated[Path, typer.Argument(help="Where to write the public key (PEM).")],
) -> None:
    """Make an Ed25519 signing key pair; the private key file is readable by its owner only."""
    private_pem, public_pem = generate_key()
    fd = os.open(private_key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(private_pem)
    public_key.write_bytes(public_pem)
    typer.echo(f"public key fingerprint (SHA-256): {fingerprint(public_pem)}")
