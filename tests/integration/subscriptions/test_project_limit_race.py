"""MaxProjects under races: N creations at the same instant at the limit minus one admit
exactly one, because each is counted on the owner's ProjectQuota in the same save."""

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from uuid import UUID

import pytest

from application.identity.commands import GrantRole
from domain.shared.meta import system_meta
from domain.subscriptions.limits import LimitType, PlanLimit
from domain.subscriptions.plans import PRO_PLAN_ID
from domain.users.model import Role
from interfaces.bootstrap import Runtime
from tests.integration.interfaces.http.support import (
    TestClient,
    a_project,
    an_account,
    assert_problem,
)

RACERS = 6


class InLockstep:
    """The plan limits, holding the first `parties` checks until all of them are made: every
    racer has read the count before any of them saves."""

    def __init__(self, limits: Any, parties: int) -> None:
        self._limits, self.upgrade_url = limits, limits.upgrade_url
        self._barrier = threading.Barrier(parties, timeout=30)
        self._waiting = parties
        self._lock = threading.Lock()

    def limit(self, user_id: UUID, limit_type: LimitType) -> PlanLimit:
        with self._lock:
            hold, self._waiting = self._waiting > 0, self._waiting - 1
        if hold:
            self._barrier.wait()
        found: PlanLimit = self._limits.limit(user_id, limit_type)
        return found

    def limits(self, user_id: UUID, *limit_types: LimitType) -> tuple[PlanLimit, ...]:
        return tuple(self.limit(user_id, t) for t in limit_types)


@pytest.fixture
def lockstep(limited: Runtime) -> Any:
    original = limited.apidoc.limits
    held = InLockstep(original, RACERS)
    limited.apidoc.limits = held
    yield held
    limited.apidoc.limits = original


class TestProjectLimitRace:
    def test_racing_creations_at_the_limit_minus_one_admit_exactly_one(
        self, paid_client: TestClient, limited: Runtime, lockstep: InLockstep
    ) -> None:
        owner = an_account(paid_client)
        admin = an_account(paid_client)
        limited.identity.grant_role(
            GrantRole(user_id=admin.id, role=Role.ADMIN, meta=system_meta())
        )
        assigned = paid_client.put(
            f"/admin/users/{owner.id}/subscription",
            json={"plan_id": str(PRO_PLAN_ID)},
            headers=admin.auth,
        )
        assert assigned.status_code == 200, assigned.text
        limited.apidoc.limits = lockstep._limits  # the first nine, one after the other
        for _ in range(9):
            assert a_project(paid_client, owner).status_code == 201
        limited.apidoc.limits = lockstep

        def create(index: int) -> Any:
            return paid_client.post(
                "/projects",
                json={"name": f"racer {index}", "base_url": "https://api.example.com"},
                headers=owner.auth,
            )

        with ThreadPoolExecutor(RACERS) as pool:
            answers = list(pool.map(create, range(RACERS)))

        codes = sorted(a.status_code for a in answers)
        assert codes == [201] + [403] * (RACERS - 1), [a.text for a in answers]
        for answer in answers:
            if answer.status_code == 403:
                body = assert_problem(answer, 403, "limit-exceeded")
                assert {
                    k: body[k]
                    for k in ("error", "limitType", "currentUsage", "limit", "upgradeUrl")
                } == {
                    "error": "LIMIT_EXCEEDED",
                    "limitType": "MaxProjects",
                    "currentUsage": 10,
                    "limit": 10,
                    "upgradeUrl": "/pricing",
                }
        quota = limited.apidoc._in_use(owner.id)[1]
        assert quota == 10

    def test_archiving_gives_room_back_and_a_race_to_restore_admits_one(
        self, paid_client: TestClient, limited: Runtime
    ) -> None:
        owner = an_account(paid_client)  # Free: one project
        first = a_project(paid_client, owner).json()
        archived = paid_client.post(f"/projects/{first['id']}/archive", headers=owner.auth)
        assert archived.status_code == 200, archived.text
        second = a_project(paid_client, owner)
        assert second.status_code == 201, second.text
        archived = paid_client.post(f"/projects/{second.json()['id']}/archive", headers=owner.auth)
        assert archived.status_code == 200, archived.text
        assert limited.apidoc._in_use(owner.id)[1] == 0

        def restore(project_id: str) -> Any:
            return paid_client.post(f"/projects/{project_id}/restore", headers=owner.auth)

        with ThreadPoolExecutor(2) as pool:
            answers = list(pool.map(restore, [first["id"], second.json()["id"]]))
        assert sorted(a.status_code for a in answers) == [200, 403], [a.text for a in answers]
        assert limited.apidoc._in_use(owner.id)[1] == 1
