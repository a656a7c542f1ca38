"""Coverage of a run, of a suite's recent runs, and of a project per specification version."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query

from interfaces.http.dependencies import CurrentUser, ReadPosition, RuntimeDep
from interfaces.http.schemas.testreport import CoveragePublic

router = APIRouter(tags=["coverage"])
_read = Depends(ReadPosition("testreport"))


@router.get("/runs/{run_id}/coverage", dependencies=[_read], response_model=CoveragePublic)
def run_coverage(run_id: UUID, user: CurrentUser, runtime: RuntimeDep) -> CoveragePublic:
    """The run's coverage of its suite's specification, calculated when the run ended
    (409 coverage-not-ready before)."""
    return CoveragePublic.of(runtime.coverage.run(run_id, user.user_id))


@router.get("/suites/{suite_id}/coverage", dependencies=[_read], response_model=CoveragePublic)
def suite_coverage(
    suite_id: UUID,
    user: CurrentUser,
    runtime: RuntimeDep,
    last: Annotated[int, Query(ge=1, le=100, description="How many recent runs to unite")] = 10,
) -> CoveragePublic:
    """The united coverage of the suite's last runs on the specification version of the
    latest one."""
    return CoveragePublic.of(runtime.coverage.suite(suite_id, user.user_id, last=last))


@router.get(
    "/projects/{project_id}/coverage", dependencies=[_read], response_model=list[CoveragePublic]
)
def project_coverage(
    project_id: UUID, user: CurrentUser, runtime: RuntimeDep
) -> list[CoveragePublic]:
    """Per specification version, the united coverage of every run of the project on it."""
    return [CoveragePublic.of(r) for r in runtime.coverage.project(project_id, user.user_id)]
