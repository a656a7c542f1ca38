"""The verdict oracle on a small fixed subset: a few specifications served by Prism, and the
seeded-bug apps, judged as bench/verdicts.py judges the whole corpus (docs/verdicts.md).

Testament runs as on real servers (`serve`, `projector`, `worker`) on the session's
database; Prism is installed into the cache by .ci/run or, when missing, by the fixture (a
machine without npm fails here, it does not skip).
"""

from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.oracle.client import Client
from bench.oracle.corpus import Spec
from bench.oracle.corpus_run import RIGHT, WRONG, SpecOutcome, run_spec
from bench.oracle.seeded_run import run_testament
from bench.oracle.servers import testament as start_testament
from bench.oracle.tools import prism_binary
from infrastructure.settings import Settings
from interfaces.bootstrap import Servers
from tests.support.seeded.apps import ALL
from tests.support.target_api import serve

SPECS = Path(__file__).resolve().parents[1] / "fixtures" / "specs"


@pytest.fixture(scope="module")
def client(
    servers: Servers, settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Client]:
    workdir = tmp_path_factory.mktemp("oracle")
    with start_testament(
        servers.database_url, servers.redis_url, workdir, settings.resolved_secret_key()
    ) as app:
        client = Client(app.base_url)
        yield client
        client.close()


@pytest.fixture(scope="module")
def prism() -> Path:
    return prism_binary()


def _judged(client: Client, prism: Path, name: str, tmp_path: Path) -> SpecOutcome:
    path = SPECS / name
    outcome = run_spec(
        client, prism, Spec(name, path, "fixture", path.stat().st_size), tmp_path, 18, 240
    )
    assert outcome.parse_status == "Success", outcome.note
    assert outcome.judgements, outcome.note
    return outcome


def _wrong(outcome: SpecOutcome) -> list[str]:
    return [f"{j.label}: {j.detail}" for j in outcome.judgements if j.outcome == WRONG]


# What Testament at its defaults finds in each seeded app (docs/verdicts.md): every bug.
# The ASCII-only store needs the non-ASCII text rule, and 366 nights (maximum+1) the
# budget order that takes values outside a range before values inside it.
FOUND_BY_TESTAMENT = {
    "catalog": {"catalog-enum-500", "catalog-string-500"},
    "bookings": {"bookings-size-100", "bookings-nights-366"},
    "vault": {"vault-missing-auth"},
    "users": {"users-response-schema"},
    "reports": {"reports-content-type"},
    "uploads": {"uploads-empty-body-500", "uploads-huge-body-500"},
}


@pytest.mark.parametrize("factory", ALL, ids=[factory.__name__ for factory in ALL])
def test_testament_finds_the_seeded_bugs_and_nothing_else(
    client: Client, factory: object, tmp_path: Path
) -> None:
    app = factory()  # type: ignore[operator]
    with serve(app.app) as url:
        run = run_testament(client, app, url, tmp_path, 18)
    assert set(run.found) == FOUND_BY_TESTAMENT[app.name], run.failing_operations
    # A failure anywhere else is a false alarm: the rest of each app is correct.
    assert run.failing_operations <= {bug.operation for bug in app.bugs}


@pytest.mark.parametrize(
    "name", ["petstore-3.0.yaml", "petstore-swagger-2.0.json", "library-3.1.json"]
)
def test_every_verdict_on_a_fixture_spec_agrees_with_prism(
    client: Client, prism: Path, name: str, tmp_path: Path
) -> None:
    outcome = _judged(client, prism, name, tmp_path)
    assert _wrong(outcome) == []
    assert outcome.count(RIGHT) > 0
