"""How a client command authenticates: an API key, an access token, an e-mail and password,
or else what `testament login` saved. The first one given wins, in that order."""

import os
from typing import Any

import httpx

from interfaces.cli.config import load_config, save_config
from interfaces.cli.run import Session

DEFAULT_URL = "http://127.0.0.1:8000"


def default_url() -> str:
    """This function will give the API's URL: TESTAMENT_URL, else the saved log-in's."""
    return os.environ.get("TESTAMENT_URL") or str(load_config().get("url") or DEFAULT_URL)


def open_session(
    client: httpx.Client,
    *,
    api_key: str | None,
    token: str | None,
    email: str | None,
    password: str | None,
    retry_for: float,
) -> Session | None:
    """This function will open a session with the first credentials given, else the saved
    ones (for the same URL); None when there are none at all."""
    if api_key or token or (email and password):
        session = Session(
            client,
            token=token,
            email=email,
            password=password,
            retry_for=retry_for,
            api_key=api_key,
        )
    else:
        saved = load_config()
        if str(saved.get("url") or "").rstrip("/") != str(client.base_url).rstrip("/"):
            return None
        if saved.get("api_key"):
            session = Session(
                client,
                token=None,
                email=None,
                password=None,
                retry_for=retry_for,
                api_key=str(saved["api_key"]),
            )
        elif saved.get("access_token"):

            def keep(tokens: dict[str, Any]) -> None:
                save_config(
                    {
                        **load_config(),
                        "access_token": tokens["access_token"],
                        "refresh_token": tokens.get("refresh_token"),
                    }
                )

            session = Session(
                client,
                token=str(saved["access_token"]),
                email=None,
                password=None,
                retry_for=retry_for,
                refresh_token=saved.get("refresh_token"),
                on_tokens=keep,
            )
        else:
            return None
    session.open()
    return session
