"""The runtime that actors use: set by the process that starts the worker, after any fork."""

from interfaces.bootstrap import Runtime

_runtime: Runtime | None = None


def set_runtime(runtime: Runtime | None) -> None:
    global _runtime
    _runtime = runtime


def get_runtime() -> Runtime:
    if _runtime is None:
        raise RuntimeError("the worker's runtime is not set: start workers with `testament worker`")
    return _runtime
