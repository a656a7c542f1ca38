import re

from fastapi import FastAPI

from interfaces.http.docs import install_docs
from tests.integration.interfaces.http.support import TestClient


def _client() -> TestClient:
    app = FastAPI(title="Testament", docs_url=None, redoc_url=None)
    install_docs(app)
    return TestClient(app)


class TestOfflineDocs:
    def test_swagger_ui_and_redoc_name_no_outside_address(self) -> None:
        client = _client()
        for page in ("/docs", "/redoc"):
            answer = client.get(page)
            assert answer.status_code == 200
            outside = re.findall(r"(?:src|href)=['\"](https?://[^'\"]+)", answer.text)
            assert outside == [], f"{page} loads {outside}"

    def test_every_asset_a_page_names_is_served_by_testament(self) -> None:
        client = _client()
        for page in ("/docs", "/redoc"):
            assets = re.findall(r"(?:src|href)=['\"](/static/docs/[^'\"]+)", client.get(page).text)
            assert assets, page
            for asset in assets:
                served = client.get(asset)
                assert served.status_code == 200, asset
                assert len(served.content) > 1000, asset
