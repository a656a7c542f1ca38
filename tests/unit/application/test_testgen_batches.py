"""A generated suite is saved in bounded transactions: its cases in batches, the suite last."""

from typing import Any
from uuid import UUID

import pytest

import application.testgen.app as testgen_app
from application.testgen.app import TestgenApplication
from application.testgen.commands import GenerateSuite
from tests.unit.application.test_testgen import OneProjectCatalog, ReviewClock
from tests.unit.builders import POPO, a_meta


def generate(testgen: TestgenApplication, catalog: OneProjectCatalog) -> Any:
    return testgen.generate_suite(
        GenerateSuite(
            project_id=catalog.project_id,
            requester_id=catalog.owner_id,
            name="Generated in batches",
            meta=a_meta(user_id=catalog.owner_id),
        )
    )


class TestGenerationBatches:
    def test_no_transaction_holds_more_than_one_batch_and_the_suite_comes_last(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(testgen_app, "GENERATION_BATCH_CASES", 4)
        catalog = OneProjectCatalog()
        testgen = TestgenApplication(env=POPO, catalog=catalog, clock=ReviewClock())
        transactions: list[list[str]] = []
        insert = testgen.recorder.insert_events

        def counted(stored: Any, **kwargs: Any) -> Any:
            transactions.append([s.topic.rsplit(":", 1)[-1] for s in stored])
            return insert(stored, **kwargs)

        monkeypatch.setattr(testgen.recorder, "insert_events", counted)

        written = generate(testgen, catalog)

        suite = testgen.repository.get(written.aggregate_id)
        assert len(transactions) >= 3
        assert all(len(topics) <= 4 for topics in transactions[:-1])
        assert all(t.startswith("TestCase.") for topics in transactions[:-1] for t in topics)
        assert all(t.startswith("TestSuite.") for t in transactions[-1])
        # Every case was saved once, each created before the suite that makes it visible.
        saved = sum(len(topics) for topics in transactions[:-1])
        assert saved == len(suite.case_ids()) > 4
        for case_id in suite.case_ids():
            assert testgen.repository.get(UUID(case_id)).suite_id == suite.id
        assert written.position == testgen.recorder.max_notification_id()
