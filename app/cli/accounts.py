"""`ecoleads orgs|users|tokens ...`: organisations, user accounts, API tokens."""

from typing import Annotated

import typer

from app.cli.support import fails_cleanly, transaction

orgs_cli = typer.Typer(help="Organisations (procuratorates).", no_args_is_help=True)
users_cli = typer.Typer(help="User accounts.", no_args_is_help=True)
tokens_cli = typer.Typer(help="Long-lived API tokens for machine clients.", no_args_is_help=True)


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
