"""The client commands of `testament`, on Click and Rich: they talk to the REST API only (no
database), so they work against any deployment.

    testament login | logout | whoami
    testament projects list | specs list | suites list | runs list
    testament runs show RUN | runs follow RUN
    testament keys create | keys list | keys revoke
    testament test SPEC_OR_COLLECTION --base-url URL [--approve] ...

Credentials, first given first used: --api-key (TESTAMENT_API_KEY), --token
(TESTAMENT_TOKEN), --email and --password (TESTAMENT_EMAIL, TESTAMENT_PASSWORD), else what
`testament login` saved. Exit status as `testament run`: 0 passed, 1 failed, 2 usage or API
error.
"""

import contextlib
import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from typing import Any

import click
import httpx

from interfaces.cli.auth import default_url, open_session
from interfaces.cli.config import config_path, forget_config, load_config, save_config
from interfaces.cli.follow import all_results, follow
from interfaces.cli.output import OUTPUT, show, stderr, stdout
from interfaces.cli.run import (
    NO_CREDENTIALS,
    USAGE_OR_API_ERROR,
    ApiError,
    Session,
    exit_status,
    outcomes,
    report_names,
)

USER_AGENT = "testament-cli/0.1"


@dataclass
class Connection:
    """The options every client command takes: where the API is and who calls it."""

    url: str | None
    api_key: str | None
    token: str | None
    email: str | None
    password: str | None
    retry_for: float

    @contextmanager
    def session(self, timeout: float = 60) -> Iterator[Session]:
        url = self.url or default_url()
        with httpx.Client(
            base_url=url, timeout=timeout, headers={"User-Agent": USER_AGENT}
        ) as client:
            session = open_session(
                client,
                api_key=self.api_key,
                token=self.token,
                email=self.email,
                password=self.password,
                retry_for=self.retry_for,
            )
            if session is None:
                raise click.UsageError(NO_CREDENTIALS)
            yield session


def connection_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """This decorator will give a command the connection options, as one `conn` argument,
    and turn an API error into one line on stderr and exit status 2."""

    @click.option("--url", envvar="TESTAMENT_URL", help="the API (default: the saved log-in's)")
    @click.option("--api-key", envvar="TESTAMENT_API_KEY", help="an API key (tk_...)")
    @click.option("--token", envvar="TESTAMENT_TOKEN", help="an access token")
    @click.option("--email", envvar="TESTAMENT_EMAIL")
    @click.option("--password", envvar="TESTAMENT_PASSWORD")
    @click.option(
        "--retry-for",
        type=float,
        default=60,
        show_default=True,
        help="seconds to keep retrying while the API is unreachable or answers 502/503/504",
    )
    @wraps(command)
    def wrapper(
        url: str | None,
        api_key: str | None,
        token: str | None,
        email: str | None,
        password: str | None,
        retry_for: float,
        **kwargs: Any,
    ) -> Any:
        conn = Connection(url, api_key, token, email, password, retry_for)
        try:
            return command(conn, **kwargs)
        except ApiError as error:
            stderr.print(f"testament: {error}", markup=False, highlight=False)
            sys.exit(USAGE_OR_API_ERROR)

    return wrapper


@click.group(name="testament", context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Testament's client commands: they call the REST API only."""


# --- log-in ----------------------------------------------------------------------------


@cli.command()
@click.option("--url", envvar="TESTAMENT_URL", help="the API", default=None)
@click.option("--email", envvar="TESTAMENT_EMAIL", help="log in with an account")
@click.option("--password", envvar="TESTAMENT_PASSWORD", help="prompted for when omitted")
@click.option("--api-key", envvar="TESTAMENT_API_KEY", help="or save an API key instead")
def login(url: str | None, email: str | None, password: str | None, api_key: str | None) -> None:
    """Log in once: the session (or the API key) is kept in a file only you can read."""
    url = (url or default_url()).rstrip("/")
    if not api_key and not email:
        email = click.prompt("e-mail")
    if not api_key and not password:
        password = click.prompt("password", hide_input=True)
    saved: dict[str, Any] = {"url": url}

    def keep(tokens: dict[str, Any]) -> None:
        saved["access_token"] = tokens["access_token"]
        saved["refresh_token"] = tokens.get("refresh_token")

    try:
        with httpx.Client(base_url=url, timeout=30, headers={"User-Agent": USER_AGENT}) as client:
            session = Session(
                client,
                token=None,
                email=email,
                password=password,
                retry_for=10,
                api_key=api_key,
                on_tokens=keep,
            )
            session.open()
            me = _me(session)
    except ApiError as error:
        stderr.print(f"testament login: {error}", markup=False, highlight=False)
        sys.exit(USAGE_OR_API_ERROR)
    if api_key:
        saved["api_key"] = api_key
    saved["email"] = me["email"]
    path = save_config(saved)
    stdout.print(f"logged in to {url} as {me['email']}; saved in {path} (mode 0600)")


@cli.command()
def logout() -> None:
    """End the saved session and forget it."""
    saved = load_config()
    if saved.get("refresh_token") and saved.get("url"):
        # Forgotten here either way; an unreachable API lets the session end with its tokens.
        with contextlib.suppress(httpx.HTTPError):
            httpx.post(
                f"{saved['url']}/auth/logout",
                json={"refresh_token": saved["refresh_token"]},
                timeout=10,
            )
    if forget_config():
        stdout.print(f"logged out; {config_path()} deleted")
    else:
        stdout.print("not logged in")


@cli.command()
@connection_options
@OUTPUT
def whoami(conn: Connection, output: str) -> None:
    """The account the credentials act as."""
    with conn.session() as session:
        me = session.call("GET", "/me")
    show([me], [("e-mail", "email"), ("name", "display_name"), ("roles", "roles")], output)


# --- listings --------------------------------------------------------------------------


@cli.group()
def projects() -> None:
    """Projects."""


@projects.command("list")
@connection_options
@OUTPUT
@click.option("--search", help="part of the name")
def projects_list(conn: Connection, output: str, search: str | None) -> None:
    """Your projects, newest first (every page)."""
    items: list[dict[str, Any]] = []
    with conn.session() as session:
        while True:
            params: dict[str, Any] = {"limit": 200, "offset": len(items)}
            if search:
                params["search"] = search
            page = session.call("GET", "/projects", params=params)
            items.extend(page["items"])
            if not page["items"] or len(items) >= page["total"]:
                break
    show(
        items,
        [("id", "id"), ("name", "name"), ("status", "status"), ("base URL", "base_url")],
        output,
    )


@cli.group()
def specs() -> None:
    """Specifications."""


@specs.command("list")
@connection_options
@OUTPUT
@click.option("--project", required=True, help="the project id")
def specs_list(conn: Connection, output: str, project: str) -> None:
    """A project's specifications."""
    with conn.session() as session:
        items = session.call("GET", f"/projects/{project}/specs")
    show(
        items,
        [
            ("id", "id"),
            ("name", "name"),
            ("format", "source_type"),
            ("parse", "parse_status"),
            ("endpoints", "endpoint_count"),
            ("active", "is_active"),
        ],
        output,
    )


@cli.group()
def suites() -> None:
    """Suites."""


@suites.command("list")
@connection_options
@OUTPUT
@click.option("--project", required=True, help="the project id")
def suites_list(conn: Connection, output: str, project: str) -> None:
    """A project's suites."""
    with conn.session() as session:
        items = session.call("GET", f"/projects/{project}/suites")
    show(
        items,
        [
            ("id", "id"),
            ("name", "name"),
            ("status", "status"),
            ("approval", "approval_status"),
            ("cases", "case_count"),
        ],
        output,
    )


@cli.group()
def runs() -> None:
    """Runs: list, show a run's failures, follow a live run."""


RUN_COLUMNS = [
    ("id", "id"),
    ("#", "run_number"),
    ("status", "status"),
    ("passed", "passed"),
    ("failed", "failed"),
    ("skipped", "skipped"),
    ("ms", "duration_ms"),
]


@runs.command("list")
@connection_options
@OUTPUT
@click.option("--suite", help="the suite id (default: your recent runs)")
def runs_list(conn: Connection, output: str, suite: str | None) -> None:
    """A suite's runs, or your recent runs."""
    with conn.session() as session:
        items = session.call("GET", f"/suites/{suite}/runs" if suite else "/runs/recent")
    show(items, RUN_COLUMNS, output)


@runs.command("show")
@connection_options
@OUTPUT
@click.argument("run_id")
def runs_show(conn: Connection, output: str, run_id: str) -> None:
    """A run's summary and each failure with its request and response."""
    with conn.session() as session:
        run = session.call("GET", f"/runs/{run_id}")
        results = all_results(session, run_id)
        cases = session.call("GET", f"/suites/{run['suite_id']}/cases")
    failures = [
        {"name": name, **result}
        for name, result in outcomes(results, report_names(cases))
        if result.get("status") in ("Failed", "Error")
    ]
    if output == "json":
        click.echo(json.dumps({"run": run, "failures": failures}, indent=2, default=str))
        return
    print_summary(run)
    for failure in failures:
        print_failure(failure)


def print_summary(run: dict[str, Any]) -> None:
    stdout.print(
        f"run {run['run_number']} {run['status']}: {run['passed']} passed, {run['failed']}"
        f" failed, {run['skipped']} skipped in {(run['duration_ms'] or 0) / 1000:.2f}s",
        markup=False,
        highlight=False,
    )


def print_failure(failure: dict[str, Any]) -> None:
    """This function will print a failed case: why, then the request and the response."""
    lines = [
        f"FAILED {failure['name']}: {failure.get('failureReason') or failure.get('status')}",
        f"  request:  {failure.get('requestMethod')} {failure.get('requestUrl')}",
    ]
    if failure.get("requestBody"):
        lines.append(f"            {_clip(failure['requestBody'])}")
    lines.append(f"  response: {failure.get('responseStatus')}")
    if failure.get("responseBody"):
        lines.append(f"            {_clip(failure['responseBody'])}")
    stdout.print("\n".join(lines), markup=False, highlight=False)


def _clip(text: str, limit: int = 500) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[:limit] + " …"


@runs.command("follow")
@connection_options
@click.argument("run_id")
@click.option("--timeout", type=float, default=3600, show_default=True)
def runs_follow(conn: Connection, run_id: str, timeout: float) -> None:
    """Follow a live run until it ends (server-sent events, else polling); exit as
    `testament run` does."""
    with conn.session() as session:
        run = session.call("GET", f"/runs/{run_id}")
        finished = follow_with_progress(session, run, timeout)
    if finished is None:
        stderr.print(f"testament: the run did not finish within {timeout:g}s")
        sys.exit(USAGE_OR_API_ERROR)
    print_summary(finished)
    sys.exit(exit_status(finished))


def follow_with_progress(
    session: Session, run: dict[str, Any], timeout: float
) -> dict[str, Any] | None:
    """This function will follow a run to its end with a progress bar on stderr."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("run {task.fields[number]}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[status]}"),
        console=stderr,
        transient=False,
    ) as bar:
        task = bar.add_task(
            "run", total=run.get("total_tests") or None, number=run["run_number"], status=""
        )

        def progress(state: dict[str, Any]) -> None:
            done = state["passed"] + state["failed"] + state["skipped"]
            done = max(done, int(state.get("cases_seen", 0)))
            total = max(int(state.get("total_tests") or 0), done) or None
            bar.update(task, completed=done, total=total, status=state["status"])

        finished, _how = follow(session, run, progress, timeout)
    return finished


# --- API keys --------------------------------------------------------------------------


@cli.group()
def keys() -> None:
    """API keys for machines (a key cannot manage keys: log in with your password)."""


@keys.command("create")
@connection_options
@OUTPUT
@click.argument("name")
@click.option("--scope", type=click.Choice(["read", "run", "write"]), default="run")
@click.option("--expires-in-days", type=int, default=90, show_default=True)
def keys_create(conn: Connection, output: str, name: str, scope: str, expires_in_days: int) -> None:
    """Make a key; it is shown once, now."""
    with conn.session() as session:
        key = session.call(
            "POST",
            "/me/api-keys",
            json={"name": name, "scope": scope, "expires_in_days": expires_in_days},
            expect=201,
            repeatable=False,
        )
    if output == "json":
        show([key], [], output)
        return
    stdout.print(
        f"API key {key['name']} ({key['scope']}, expires {key['expires_at']}):\n{key['key']}\n"
        "It is shown this once: keep it in your CI's secrets as TESTAMENT_API_KEY.",
        markup=False,
        highlight=False,
    )


@keys.command("list")
@connection_options
@OUTPUT
def keys_list(conn: Connection, output: str) -> None:
    """Your keys (never the keys themselves)."""
    with conn.session() as session:
        items = session.call("GET", "/me/api-keys")["items"]
    show(
        items,
        [
            ("id", "id"),
            ("name", "name"),
            ("scope", "scope"),
            ("prefix", "prefix"),
            ("expires", "expires_at"),
            ("revoked", "revoked_at"),
            ("last used", "last_used_at"),
        ],
        output,
    )


@keys.command("revoke")
@connection_options
@click.argument("key_id")
def keys_revoke(conn: Connection, key_id: str) -> None:
    """Revoke a key at once."""
    with conn.session() as session:
        session.call("DELETE", f"/me/api-keys/{key_id}", expect=204)
    stdout.print(f"API key {key_id} revoked")


def main(argv: list[str]) -> int:
    """This function will run a client command and give its exit status."""
    try:
        cli.main(args=argv, prog_name="testament", standalone_mode=False)
    except click.exceptions.Exit as done:
        return int(done.exit_code)
    except click.ClickException as error:
        error.show()
        return USAGE_OR_API_ERROR
    except click.Abort:
        return USAGE_OR_API_ERROR
    except SystemExit as exited:
        return int(exited.code or 0)
    return 0


def _me(session: Any) -> Any:
    """This function will read the caller's account, waiting a few seconds while the server
    answers 404 for an account its read model has not caught up with (a key or an account
    made a moment ago)."""
    give_up_at = time.monotonic() + 5
    while True:
        try:
            return session.call("GET", "/me")
        except ApiError as error:
            if "404" not in str(error) or time.monotonic() > give_up_at:
                raise
            time.sleep(0.2)
