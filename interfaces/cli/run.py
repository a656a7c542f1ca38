"""`testament run`: run a suite through the REST API, for CI pipelines.

Queues the run, shows a live progress bar, prints a summary, writes JUnit XML on request,
and exits 0 only when every case passed (EXIT_STATUS lists the codes).

Every answer of the API is checked. A run can outlast an access token (15 minutes by
default), so a 401 renews the session once (the refresh token, or logging in again) and
sends the request again; a server that is briefly away (no connection, 502/503/504) is
retried for --retry-for seconds. Anything else ends the command with one line on stderr.
"""

import argparse
import json
import os
import sys
import time
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import httpx

FINISHED = ("Completed", "Failed", "Cancelled")
TRANSIENT = (502, 503, 504)  # a proxy or a server that is restarting: worth waiting for
USAGE_OR_API_ERROR = 2

EXIT_STATUS = """exit status:
  0  the run completed and every case (every data-set row) passed
  1  the run finished with failed or skipped cases, or it failed or was cancelled
  2  a usage error, or an API error: the log-in or the run refused, an answer the command
     cannot go on with, the API unreachable for --retry-for seconds, or the run not
     finished within --timeout"""


NO_CREDENTIALS = (
    "give --api-key (or TESTAMENT_API_KEY), --token (or TESTAMENT_TOKEN), or --email and"
    " --password, or run `testament login` first"
)


class ApiError(Exception):
    """An answer the command cannot go on with; its message is the line it prints."""


def _bar(done: int, total: int, width: int = 30) -> str:
    filled = width if total <= 0 else min(width, int(width * done / total))
    return "[" + "#" * filled + "." * (width - filled) + "]"


def _detail(response: httpx.Response) -> str:
    """This function will give the reason of an error answer on one line: its problem+json
    `detail`, else the start of its body."""
    try:
        body = response.json()
    except ValueError:
        body = None
    detail = body.get("detail") if isinstance(body, dict) else None
    text = str(detail) if detail else (response.text or response.reason_phrase)
    return " ".join(text.split())[:300]


class Session:
    """The command's conversation with the API: every answer checked, the session renewed
    on a 401, transient failures retried for a bounded time."""

    def __init__(
        self,
        client: httpx.Client,
        *,
        token: str | None,
        email: str | None,
        password: str | None,
        retry_for: float,
        sleep: Callable[[float], None] = time.sleep,
        api_key: str | None = None,
        refresh_token: str | None = None,
        on_tokens: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        self._client = client
        self._token = token
        self._api_key = api_key
        self._credentials = (email, password) if email and password else None
        self._refresh_token: str | None = refresh_token
        self._retry_for = retry_for
        self._sleep = sleep
        self._on_tokens = on_tokens  # `testament login` keeps a renewed session
        # The last X-Testament-Position each log's commands answered, by log name: a read
        # waits for its own log's (min_position).
        self.positions: dict[str, str] = {}

    @property
    def client(self) -> httpx.Client:
        return self._client

    def after(self, log: str) -> dict[str, str]:
        """This function will give the query parameters of a read that must see what this
        session last wrote to a log."""
        written = self.positions.get(log)
        return {"min_position": written} if written else {}

    def open(self) -> None:
        """This function will authenticate: with the API key, the given token, or by logging
        in."""
        if self._api_key:
            self._client.headers["X-API-Key"] = self._api_key
        elif self._token:
            self._client.headers["Authorization"] = f"Bearer {self._token}"
        else:
            self._log_in()

    def _log_in(self) -> None:
        assert self._credentials is not None
        email, password = self._credentials
        self._use(
            self.call(
                "POST", "/auth/login", json={"email": email, "password": password}, renew=False
            )
        )

    def _use(self, tokens: dict[str, Any]) -> None:
        self._client.headers["Authorization"] = f"Bearer {tokens['access_token']}"
        self._refresh_token = tokens.get("refresh_token")
        if self._on_tokens is not None:
            self._on_tokens(tokens)

    def _renew(self, refused: str) -> None:
        """This function will get a new access token after a 401: by spending the refresh
        token, else (expired, revoked) by logging in again. A bare --token cannot be renewed,
        nor can an API key (it does not expire within a run: it was revoked or expired)."""
        if self._api_key:
            raise ApiError(f"{refused} (the API key is unknown, revoked or expired)")
        if self._refresh_token is not None:
            spent, self._refresh_token = self._refresh_token, None
            try:
                # Not repeated on a lost answer: a refresh token works once, and presenting
                # it twice revokes the whole session.
                body = {"refresh_token": spent}
                self._use(
                    self.call("POST", "/auth/refresh", json=body, renew=False, repeatable=False)
                )
                return
            except ApiError:
                if self._credentials is None:
                    raise
        if self._credentials is not None:
            self._log_in()
            return
        raise ApiError(
            f"{refused} (the access token expired or was refused: give --email and --password, "
            "or TESTAMENT_EMAIL and TESTAMENT_PASSWORD, so the session can be renewed)"
        )

    def call(
        self,
        method: str,
        path: str,
        *,
        json: dict[str, Any] | None = None,
        expect: int = 200,
        renew: bool = True,
        repeatable: bool = True,
        params: dict[str, Any] | None = None,
        files: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        """This function will send a request and give its JSON answer, or raise ApiError.

        A 401 renews the session once and sends the request again. No connection, a timeout
        or a 502/503/504 is retried with a growing pause for up to retry_for seconds; a
        request that is not safe to send twice (queueing a run, spending a refresh token) only
        when it cannot have reached the API."""
        renewed = False
        give_up_at: float | None = None
        pause = 0.5
        while True:
            try:
                response = self._client.request(
                    method, path, json=json, params=params, files=files, data=data, headers=headers
                )
            except httpx.TransportError as error:
                reason = f"{type(error).__name__}: {error}".rstrip(": ")
                if not repeatable and not isinstance(error, httpx.ConnectError):
                    raise ApiError(f"{method} {path} got no answer ({reason})") from None
                problem = f"cannot reach {self._client.base_url} ({reason})"
            else:
                status = response.status_code
                answered = f"{method} {path} answered {status} {response.reason_phrase}"
                if status == 401 and renew and not renewed:
                    self._renew(f"{answered}: {_detail(response)}")
                    renewed = True
                    continue
                if status in TRANSIENT and repeatable:
                    problem = f"{answered}: {_detail(response)}"
                elif status != expect:
                    raise ApiError(f"{answered}: {_detail(response)}")
                else:
                    written = response.headers.get("X-Testament-Position") or ""
                    if ":" in written:
                        self.positions[written.split(":", 1)[0]] = written
                    if status == 204:
                        return None
                    try:
                        return response.json()
                    except ValueError:
                        raise ApiError(
                            f"{answered} but not with JSON: {_detail(response)}"
                        ) from None
            now = time.monotonic()
            if give_up_at is None:
                give_up_at = now + self._retry_for
            if now >= give_up_at:
                raise ApiError(f"{problem} (still so after {self._retry_for:g}s)")
            self._sleep(min(pause, give_up_at - now))
            pause = min(pause * 2, 5.0)

    def lines(self, path: str) -> Iterator[str]:
        """This function will give the lines of a streamed answer (server-sent events) as
        they arrive. Raises ApiError when the answer is not a 200, httpx errors when the
        stream cannot be had or breaks."""
        with self._client.stream("GET", path, timeout=httpx.Timeout(30, read=90)) as response:
            if response.status_code != 200:
                response.read()
                raise ApiError(f"GET {path} answered {response.status_code}")
            yield from response.iter_lines()


def expected_results(cases: list[dict[str, Any]]) -> int:
    """This function will count the results a run of these cases records, which is what the
    run's counters count: one per row of each enabled data set, one for a case without rows."""
    total = 0
    for case in cases:
        if case.get("is_enabled") is False:
            continue
        data_sets = [d for d in case.get("data_sets") or [] if d.get("is_enabled") is not False]
        total += sum(len(d.get("data") or []) for d in data_sets) or 1
    return total


def _row_order(row: str) -> tuple[str, int]:
    """Rows are named `data set#index`: in their data set's order (#10 after #9)."""
    data_set, _, index = row.rpartition("#")
    return (data_set, int(index)) if index.isdigit() else (row, -1)


def report_names(cases: list[dict[str, Any]]) -> dict[str, str]:
    """This function will name each case for a report by what it tested: `METHOD /path: case
    name`. Names a suite repeats (the same title on two operations' cases, or twice on one)
    are told apart by the case's type and the start of its id, so no two are the same."""
    named: dict[str, str] = {}
    for case in cases:
        request = case.get("request") or {}
        key = str(case.get("endpoint_key") or "")
        method, _, path = key.partition(" ")
        if not path.startswith("/"):
            # `http_method`: what a server before the one-shape change answered.
            method = str(request.get("method") or request.get("http_method") or "")
            path = str(request.get("url") or "")
        target = f"{method.upper()} {path}".strip()
        name = str(case.get("name") or "")
        named[str(case["id"])] = f"{target}: {name}" if target else name
    kinds = {str(case["id"]): str(case.get("test_type") or "case") for case in cases}
    repeated = Counter(named.values())
    told_apart = {
        case_id: f"{name} ({kinds[case_id]} {case_id[:8]})"
        for case_id, name in named.items()
        if repeated[name] > 1
    }
    still = Counter(told_apart.values())  # two ids sharing their first characters
    for case_id, name in told_apart.items():
        named[case_id] = (
            name if still[name] == 1 else f"{named[case_id]} ({kinds[case_id]} {case_id})"
        )
    return named


def outcomes(
    results: list[dict[str, Any]], names: dict[str, str]
) -> list[tuple[str, dict[str, Any]]]:
    """This function will list what the run's counters count, with each one's name and result:
    a case, or each row of a data-driven case (`case name [row]`: the case's own fields show
    only one of its rows)."""
    out: list[tuple[str, dict[str, Any]]] = []
    for result in results:
        name = names.get(str(result["case_id"]), str(result["case_id"]))
        rows = result.get("rows")
        if isinstance(rows, dict) and rows:
            out.extend((f"{name} [{row}]", rows[row]) for row in sorted(rows, key=_row_order))
        else:
            out.append((name, result))
    return out


def junit(summary: dict[str, Any], results: list[dict[str, Any]], names: dict[str, str]) -> bytes:
    """This function will write a run's results as JUnit XML: one testcase per case, or per row
    of a data-driven case. The counts are those of the elements written, so they always agree."""
    suite = ET.Element(
        "testsuite",
        name=f"testament run {summary['run_number']}",
        tests="0",
        failures="0",
        skipped="0",
        time=f"{(summary.get('duration_ms') or 0) / 1000:.3f}",
    )
    counts = {"tests": 0, "failures": 0, "skipped": 0}
    for name, result in outcomes(results, names):
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"suite.{summary['suite_id']}",
            name=name,
            time=f"{int(result.get('durationMs') or 0) / 1000:.3f}",
        )
        counts["tests"] += 1
        status = result.get("status")
        if status in ("Failed", "Error"):
            failure = ET.SubElement(
                case, "failure", message=(result.get("failureReason") or status)[:500]
            )
            failure.text = f"{result.get('requestMethod')} {result.get('requestUrl')} -> {result.get('responseStatus')}"
            counts["failures"] += 1
        elif status == "Skipped":
            ET.SubElement(case, "skipped", message=(result.get("failureReason") or "skipped")[:500])
            counts["skipped"] += 1
    for attribute, count in counts.items():
        suite.set(attribute, str(count))
    return bytes(ET.tostring(suite, encoding="utf-8", xml_declaration=True))


def _draw(run: dict[str, Any], expected: int, counts: Counter[str]) -> None:
    # The counters count results (a data-driven case records one per row), so the total is
    # counted in results too; never below what is done, so never past 100%.
    done = counts["passed"] + counts["failed"] + counts["skipped"]
    total = max(expected, run["total_tests"], done)
    sys.stderr.write(
        f"\r{_bar(done, total)} {done}/{total}"
        f"  passed {counts['passed']}  failed {counts['failed']}  skipped {counts['skipped']}"
    )
    sys.stderr.flush()


def _run_counts(run: dict[str, Any]) -> Counter[str]:
    return Counter({key: run[key] for key in ("passed", "failed", "skipped")})


def _counted(status: str | None) -> str:
    """This function will name the run counter a case result adds to."""
    return {"Passed": "passed", "Skipped": "skipped"}.get(status or "", "failed")


def _follow_events(
    session: Session, run: dict[str, Any], expected: int, deadline: float
) -> dict[str, Any] | None:
    """This function will follow the run's server-sent events and give its final summary as
    soon as the server sends it; None when the stream ends or time runs out before."""
    kind, counts = "", Counter[str]()
    for line in session.lines(f"/runs/{run['id']}/events"):
        if time.monotonic() >= deadline:
            return None
        if line.startswith("event: "):
            kind = line[7:]
        elif line.startswith("data: "):
            data = json.loads(line[6:])
            if kind == "case":
                counts[_counted(data.get("status"))] += 1
                if counts.total() % 50 == 1:  # drawing every result would cost more than the run
                    _draw(run, expected, counts)
            elif kind == "summary":
                run = data
                if run["status"] in FINISHED:
                    _draw(run, expected, _run_counts(run))
                    return run
    return None


def _follow(
    session: Session, run: dict[str, Any], expected: int, timeout: float
) -> dict[str, Any] | None:
    """This function will follow the run until it finishes, drawing its progress on stderr;
    None when it did not finish in time. It follows the run's server-sent events, so it
    returns the moment the run ends; when the stream cannot be had or breaks, it polls."""
    deadline = time.monotonic() + timeout
    drawn = False
    try:
        try:
            drawn = True
            finished = _follow_events(session, run, expected, deadline)
            if finished is not None:
                return finished
        except (httpx.HTTPError, ApiError, ValueError, KeyError):
            pass  # a proxy that buffers or cuts streams: polling still works
        while run["status"] not in FINISHED:
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.5)
            run = session.call("GET", f"/runs/{run['id']}")
            _draw(run, expected, _run_counts(run))
        return run
    finally:
        if drawn:
            sys.stderr.write("\n")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="testament run",
        description="Run a suite and wait for its results.",
        epilog=EXIT_STATUS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--suite", required=True, help="the suite id")
    parser.add_argument("--environment", help="the environment id (default: the project's default)")
    parser.add_argument("--url", help="the API (default: TESTAMENT_URL, else the saved log-in's)")
    parser.add_argument(
        "--api-key",
        default=os.environ.get("TESTAMENT_API_KEY"),
        help="an API key of scope run or write (default: TESTAMENT_API_KEY)",
    )
    parser.add_argument("--token", default=os.environ.get("TESTAMENT_TOKEN"))
    parser.add_argument("--email", default=os.environ.get("TESTAMENT_EMAIL"))
    parser.add_argument("--password", default=os.environ.get("TESTAMENT_PASSWORD"))
    parser.add_argument("--junit", help="write JUnit XML to this file")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds to wait for the run")
    parser.add_argument(
        "--retry-for",
        type=float,
        default=60,
        help="seconds to keep retrying while the API is unreachable or answers 502/503/504",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    from interfaces.cli.auth import default_url, open_session

    try:
        with httpx.Client(base_url=args.url or default_url(), timeout=30) as client:
            session = open_session(
                client,
                api_key=args.api_key,
                token=args.token,
                email=args.email,
                password=args.password,
                retry_for=args.retry_for,
            )
            if session is None:
                parser.error(NO_CREDENTIALS)
            body = {"environment_id": args.environment} if args.environment else {}
            run = session.call(
                "POST", f"/suites/{args.suite}/runs", json=body, expect=202, repeatable=False
            )
            cases = session.call("GET", f"/suites/{args.suite}/cases")
            finished = _follow(session, run, expected_results(cases), args.timeout)
            if finished is None:
                print(
                    f"testament run: the run did not finish within {args.timeout:g}s",
                    file=sys.stderr,
                )
                return USAGE_OR_API_ERROR
            run = finished
            results = session.call("GET", f"/runs/{run['id']}/results").get("results", [])
    except ApiError as error:
        print(f"testament run: {error}", file=sys.stderr)
        return USAGE_OR_API_ERROR
    names = report_names(cases)
    print(
        f"run {run['run_number']} {run['status']}: {run['passed']} passed, {run['failed']} failed, "
        f"{run['skipped']} skipped in {(run['duration_ms'] or 0) / 1000:.2f}s"
    )
    for name, result in outcomes(results, names):
        if result.get("status") in ("Failed", "Error"):
            print(f"  FAILED {name}: {result.get('failureReason')}")
        elif result.get("status") == "Skipped":
            print(f"  SKIPPED {name}: {result.get('failureReason')}")
    if args.junit:
        with open(args.junit, "wb") as handle:
            handle.write(junit(run, results, names))
    return exit_status(run)


def exit_status(run: dict[str, Any]) -> int:
    """This function will give the command's exit status for a finished run: 0 only when it
    completed and every case passed. A skipped case did not pass either: its dependency
    failed, or was never run."""
    every_case_passed = run["failed"] == 0 and run["skipped"] == 0
    return 0 if run["status"] == "Completed" and every_case_passed else 1
