"""Listings for people (Rich tables) or for scripts (`--output json`: the API's items as
they are, one JSON document on stdout)."""

import json
from collections.abc import Sequence
from typing import Any

import click
from rich.console import Console
from rich.table import Table

OUTPUT = click.option(
    "--output",
    "-o",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="json prints the API's items as one JSON document, for scripts",
)

_FREE_TEXT = frozenset({"name", "base URL", "e-mail", "roles"})

stdout = Console(soft_wrap=True)
stderr = Console(stderr=True, soft_wrap=True)


def show(
    items: Sequence[dict[str, Any]],
    columns: Sequence[tuple[str, str]],
    output: str,
    *,
    title: str | None = None,
) -> None:
    """This function will print items as a table of (heading, field) columns, or as JSON."""
    if output == "json":
        click.echo(json.dumps(list(items), indent=2, default=str))
        return
    table = Table(title=title, show_lines=False)
    for heading, _ in columns:
        # Only free text wraps: ids stay whole on one line (they are what a user copies into
        # the next command), and so do statuses, numbers and times.
        table.add_column(heading, overflow="fold", no_wrap=heading not in _FREE_TEXT)
    for item in items:
        table.add_row(*(_cell(item.get(field)) for _, field in columns))
    stdout.print(table)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)
