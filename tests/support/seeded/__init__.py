"""Small APIs with known bugs, each serving its own OpenAPI document at /openapi.json.

Each app records when each of its bugs is first triggered (the buggy path really ran), so a
tool "found" a bug when the bug was triggered during its run and the tool reported a failure
on that operation. Used by bench/verdicts.py (Testament beside Schemathesis) and by the
integration tests under tests/integration/seeded/.
"""
