"""Whether ``.env.example`` agrees with the compose file.

The short version's ``.env`` said password ``pass`` where compose said ``secret``, so the
app could not log in (ERRATA 6). Here ``.env.example`` is the one source of truth: the
db service's POSTGRES_* and every DATABASE_URL (the app's in compose, and the ones
``.env.example`` itself shows, commented or not) must name the same user, password and
database.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from handbook.emulators.docker.compose import load_project
from handbook.emulators.docker.variables import read_dotenv
from handbook.errors import Problem

__all__ = ["check_example"]

_SHOWN_URL = re.compile(r"^\s*#?\s*DATABASE_URL=(\S+)", re.M)


def check_example(compose: Path) -> str:
    """Check that .env.example agrees with the compose file; a note saying what was compared."""
    example = compose.parent / ".env.example"
    if not example.is_file():
        return f"no .env.example next to {compose.name} to compare"
    values = read_dotenv(example)
    try:
        templated = load_project(compose, values)
    except Problem as problem:
        raise Problem(
            f".env.example does not give the compose file what it needs: {problem}"
        ) from None
    database = templated.database()
    if database is None:
        return f"{compose.name} has no PostgreSQL service to compare .env.example with"

    def as_example(path: Path) -> dict[str, str]:
        # .env is made from .env.example (cp .env.example .env).
        return values if path.name == ".env" else read_dotenv(path)

    db = templated.environment(database, as_example)
    user = db.get("POSTGRES_USER", "postgres")
    wanted = {
        "POSTGRES_USER": user,
        "POSTGRES_PASSWORD": db.get("POSTGRES_PASSWORD", ""),
        "POSTGRES_DB": db.get("POSTGRES_DB", user),
    }
    for name, value in wanted.items():
        if name in values and values[name] != value:
            shown = "" if "PASSWORD" in name else f" ({values[name]!r} and {value!r})"
            raise Problem(
                f".env.example's {name} and the {database} service's {name} in "
                f"{compose.name} differ{shown}: the app would log in with one and the "
                f"database be created with the other. Write `{name}: ${{{name}}}` in "
                f"{compose.name}, so both come from .env"
            )
    compared = 0
    for name in templated.names():
        if templated.build(name) is None:
            continue
        url = templated.environment(name, as_example).get("DATABASE_URL")
        if url is None:
            raise Problem(
                f"the {name} service in {compose.name} gets no DATABASE_URL: "
                "Django would use SQLite inside the container, not the database service"
            )
        _compare(url, wanted, f"the {name} service's DATABASE_URL", host=(database, 5432))
        compared += 1
    shown_urls = _SHOWN_URL.findall(example.read_text())
    for url in shown_urls:
        _compare(url, wanted, ".env.example's DATABASE_URL", host=None)
    return (
        f".env.example agrees with {compose.name} (POSTGRES_USER, POSTGRES_PASSWORD, "
        f"POSTGRES_DB, {compared + len(shown_urls)} DATABASE_URLs)"
    )


def _compare(url: str, wanted: dict[str, str], what: str, host: tuple[str, int] | None) -> None:
    parts = urlsplit(url)
    found = {
        "POSTGRES_USER": unquote(parts.username or ""),
        "POSTGRES_PASSWORD": unquote(parts.password or ""),
        "POSTGRES_DB": unquote(parts.path.lstrip("/")),
    }
    if parts.scheme not in ("postgres", "postgresql"):
        raise Problem(f"{what} is not a PostgreSQL URL (scheme {parts.scheme!r})")
    for name, value in wanted.items():
        if found[name] != value:
            field = {"POSTGRES_USER": "user", "POSTGRES_PASSWORD": "password"}.get(name, "name")
            raise Problem(
                f"{what} has a different database {field} than {name} in .env.example: "
                "the app could not log in"
            )
    password = wanted["POSTGRES_PASSWORD"]
    if quote(password, safe="") != password:
        raise Problem(
            "POSTGRES_PASSWORD in .env.example has characters a URL must encode, and "
            f"{what} pastes it in as is: use letters, digits, - and _"
        )
    if host is not None and (parts.hostname, parts.port or 5432) != host:
        raise Problem(
            f"{what} points at {parts.hostname}:{parts.port or 5432}, not at the "
            f"{host[0]} service ({host[0]}:{host[1]}): inside compose the database is "
            f"reached by its service name"
        )
