"""A projection that meets an event it cannot apply stops in plain sight, and the way out."""

import argparse
import logging
import threading
import time
from typing import Any
from uuid import UUID

import pytest

from domain.shared.meta import system_meta
from domain.specifications.parsed import ParameterLocation, ParsedEndpoint, ParsedParameter
from infrastructure.projections.catalog import read_model
from infrastructure.projections.rebuild import rebuild
from infrastructure.projections.runner import ProjectionRunner, supervise
from infrastructure.settings import Settings
from interfaces.bootstrap import Runtime
from interfaces.cli.main import cmd_projections_skip, cmd_projections_status
from tests.integration.interfaces.http.support import TestClient, a_project, an_account


def a_manual_spec(client: TestClient) -> tuple[dict[str, str], str]:
    account = an_account(client)
    project = a_project(client, account).json()["id"]
    spec = client.post(
        f"/projects/{project}/specs/manual", headers=account.auth, json={"name": "m"}
    )
    return account.auth, f"/projects/{project}/specs/{spec.json()['id']}"


def a_poisoned_event(runtime: Runtime, spec_path: str) -> int:
    """This function will write what the command boundary refuses, as an older release (or a
    bug) could have: an endpoint whose schema holds NaN, which jsonb refuses. Returns its
    position in the apidoc log."""
    spec = runtime.apidoc.repository.get(UUID(spec_path.rsplit("/", 1)[1]))
    query = ParsedParameter(
        name="q",
        location=ParameterLocation.Query,
        data_type="number",
        required=False,
        schema={"maximum": float("nan")},
    )
    endpoint = ParsedEndpoint(method="GET", path="/poison", parameters=[query])
    spec.add_endpoint(endpoint, meta=system_meta("test: an event no projection can apply"))
    (recording,) = runtime.apidoc.save(spec)  # past save_and_locate: no strict check
    position: int = recording.notification.id
    return position


def supervised_until_stalled(runner: ProjectionRunner, client: TestClient) -> dict[str, Any]:
    """This function will run the projection as the projector does, until /health shows it
    stalled, and return that answer."""
    stop, wake = threading.Event(), threading.Event()
    thread = threading.Thread(target=supervise, args=(runner, stop, wake), daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            health: dict[str, Any] = client.get("/health").json()
            if health["status"] == "degraded":
                return health
            time.sleep(0.1)
        raise AssertionError(f"the projection never showed as stalled: {health}")
    finally:
        stop.set()
        thread.join(timeout=10)


def skip(settings: Settings, position: str, reason: str = "NaN in a schema") -> int:
    args = argparse.Namespace(name="specifications", position=position, reason=reason)
    return cmd_projections_skip(settings, args)


class TestStalledProjection:
    def test_stops_at_the_event_shows_it_and_goes_on_once_skipped_with_a_record(
        self,
        client: TestClient,
        http_runtime: Runtime,
        settings: Settings,
        caplog: pytest.LogCaptureFixture,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        (runner,) = http_runtime.runners((read_model("specifications"),))
        runner.catch_up()
        _, poisoned_spec = a_manual_spec(client)
        victim, spec = a_manual_spec(client)
        position = a_poisoned_event(http_runtime, poisoned_spec)
        try:
            added = client.post(
                f"{spec}/endpoints", headers=victim, json={"method": "GET", "path": "/mine"}
            )
            assert added.status_code == 201, added.text
            with pytest.raises(Exception, match="NaN"):
                runner.catch_up()
            with caplog.at_level(logging.ERROR):
                health = supervised_until_stalled(runner, client)

            (entry,) = [p for p in health["projections"] if p["name"] == "specifications"]
            assert health["status"] == "degraded"
            assert entry["stalled"]["position"] == f"apidoc:{position}"
            assert "NaN" in entry["stalled"]["error"]
            assert "EndpointAdded" in entry["stalled"]["topic"]
            assert f"projections skip specifications apidoc:{position}" in caplog.text
            assert cmd_projections_status(settings, argparse.Namespace()) == 1
            assert f"STALLED at apidoc:{position}" in capsys.readouterr().out

            # Only the event it is stopped at can be skipped: a typo loses nothing.
            assert skip(settings, f"apidoc:{position + 1}") == 2
            assert "only the event it is stopped at can be skipped" in capsys.readouterr().err
        finally:
            assert skip(settings, f"apidoc:{position}") == 0
        assert f"skipped apidoc:{position}" in capsys.readouterr().out

        runner.catch_up()
        listed = client.get(f"{spec}/endpoints", headers=victim).json()["items"]
        assert [e["path"] for e in listed] == ["/mine"]
        health = client.get("/health").json()
        (entry,) = [p for p in health["projections"] if p["name"] == "specifications"]
        assert (health["status"], entry["stalled"], entry["lag"]) == ("ok", None, 0)
        with http_runtime.pool.connection() as conn:
            audit = conn.execute(
                "SELECT reason, error, skipped_by FROM projections.skipped_events"
                " WHERE projection_name = 'specifications' AND notification_id = %s",
                (position,),
            ).fetchone()
        assert audit is not None and audit["reason"] == "NaN in a schema"
        assert "NaN" in audit["error"] and audit["skipped_by"]
        # A rebuild replays the log without the skipped event: it equals the live model.
        report = rebuild(http_runtime.pool, http_runtime.applications(), "specifications")
        assert report.equal, report.tables
