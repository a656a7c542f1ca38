"""The Redis keys of a run's hot results (ERD analysis §3.5.1)."""

from uuid import UUID


def keys(run_id: UUID | str) -> dict[str, str]:
    """This function will give a run's keys: its results hash, logs, variables, events channel."""
    base = f"testrun:{run_id}"
    return {
        "results": f"{base}:results",
        "logs": f"{base}:logs",
        "variables": f"{base}:variables",
        "events": f"{base}:events",
    }


def execution_key(run_id: UUID | str, case_id: str) -> str:
    """This function will give the key of a case's execution hash in a run."""
    return f"testrun:{run_id}:execution:{case_id}"
