"""The API as an ASGI factory, for several server processes (`TESTAMENT_WEB_WORKERS`).

Each worker process builds its own runtime after the fork: connections are never shared.
"""

from fastapi import FastAPI

from infrastructure.settings import Settings
from interfaces.bootstrap import build_runtime
from interfaces.http.app import create_app


def create_app_from_environment() -> FastAPI:
    """This function will build the API of one worker process from the environment."""
    return create_app(build_runtime(Settings()))
