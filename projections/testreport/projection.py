"""testreport.coverage_metrics from RunCoverage events."""

import json
from datetime import datetime
from functools import singledispatchmethod
from typing import Any

from domain.coverage.calculation import EndpointCoverage, summarize
from domain.coverage.model import RunCoverage
from projections.base import Projection
from projections.testreport.view import TestreportView


class TestreportProjection(Projection[TestreportView]):
    """One coverage row per run: the ERD's figures, and each endpoint's detail they come from."""

    __test__ = False
    name = "testreport"
    follows = ("testreport",)

    @singledispatchmethod
    def process_event(self, domain_event: Any) -> None:
        """This function will ignore events it has no table for."""

    @process_event.register
    def _(self, e: RunCoverage.Calculated) -> None:
        figures = summarize([EndpointCoverage.from_json(item) for item in e.endpoints])
        self.view.insert_coverage(
            {
                "id": e.originator_id,
                "test_run_id": e.run_id,
                "total_endpoints": figures.total_endpoints,
                "tested_endpoints": figures.tested_endpoints,
                "coverage_percent": figures.coverage_percent,
                "by_method": json.dumps(figures.by_method),
                "by_tag": json.dumps(figures.by_tag),
                "uncovered_paths": json.dumps(figures.uncovered_paths),
                "calculated_at": datetime.fromisoformat(e.calculated_at),
                "owner_id": e.owner_id,
                "project_id": e.project_id,
                "suite_id": e.suite_id,
                "run_number": e.run_number,
                "spec_id": e.spec_id,
                "spec_version": e.spec_version,
                "statuses": json.dumps(figures.statuses),
                "parameters": json.dumps(figures.parameters),
                "body_fields": json.dumps(figures.body_fields),
                "endpoints": json.dumps(e.endpoints),
                "created_date_time": e.timestamp,
                "updated_date_time": e.timestamp,
                "row_version": e.originator_version,
            }
        )
