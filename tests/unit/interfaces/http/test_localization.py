"""Problem titles in English or Vietnamese, chosen by Accept-Language."""

import json
import re
from pathlib import Path

import pytest

from interfaces.http.localization import TITLES, _localized, chosen_language, problem_texts

ROOT = Path(__file__).resolve().parents[4]


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("vi", "vi"),
        ("vi-VN,vi;q=0.9,en;q=0.8", "vi"),
        ("en-US,en;q=0.9,vi;q=0.8", "en"),
        ("fr-FR,fr;q=0.9", "en"),
        ("fr, vi;q=0.5", "vi"),
        ("vi;q=0.1, en", "en"),
        ("vi;q=0", "en"),
        ("vi;q=nonsense", "en"),
        ("*", "en"),
        ("", "en"),
        (",,,;;;==", "en"),
    ],
)
def test_chooses_the_best_supported_language(header: str, language: str) -> None:
    assert chosen_language(header) == language


def test_every_documented_problem_type_has_a_vietnamese_title() -> None:
    documented = set(
        re.findall(r"^### ([a-z-]+)$", (ROOT / "docs" / "problems.md").read_text(), re.M)
    )
    assert documented - set(TITLES["vi"]) == set()
    assert set(TITLES["vi"]) - documented == set()


def test_replaces_the_title_and_keeps_the_rest() -> None:
    body = json.dumps(
        {"type": "/problems/not-found", "title": "Not found", "status": 404, "detail": "x\udc80"}
    ).encode()
    localized = json.loads(_localized(body, "vi"))
    assert localized["title"] == "Không tìm thấy"
    assert localized["detail"] == "x\udc80" and localized["status"] == 404
    assert _localized(body, "en") == body
    assert _localized(b"not json", "vi") == b"not json"
    unknown = json.dumps({"type": "/problems/unheard-of", "title": "T"}).encode()
    assert _localized(unknown, "vi") == unknown


class EditedTitles:
    def __init__(self, texts: dict[tuple[str, str], str]) -> None:
        self.texts = texts

    def text(self, name: str, culture: str) -> str | None:
        return self.texts.get((name, culture))


def test_an_admins_title_comes_before_the_codes_in_either_language() -> None:
    body = json.dumps({"type": "/problems/not-found", "title": "Not found"}).encode()
    edited = EditedTitles(
        {
            ("problem.not-found.title", "vi"): "Không thấy",
            ("problem.not-found.title", "en"): "Nothing here",
        }
    )
    assert json.loads(_localized(body, "vi", edited))["title"] == "Không thấy"
    assert json.loads(_localized(body, "en", edited))["title"] == "Nothing here"
    # No edit: the code's title, and an English answer stays byte for byte as written.
    assert json.loads(_localized(body, "vi", EditedTitles({})))["title"] == "Không tìm thấy"
    assert _localized(body, "en", EditedTitles({})) == body
    # Not edited, an English title stays as the code wrote it, however precise.
    large = json.dumps({"type": "/problems/too-large", "title": "Payload too large"}).encode()
    assert _localized(large, "en", EditedTitles({})) == large


def test_every_title_is_a_text_an_admin_may_edit() -> None:
    texts = problem_texts()
    assert texts[("problem.not-found.title", "vi")] == "Không tìm thấy"
    assert len(texts) == len(TITLES["vi"]) + len(TITLES["en"])
    assert texts[("problem.not-found.title", "en")] == "Not found"


def test_every_documented_problem_type_has_its_english_title_as_the_code_writes_it() -> None:
    from interfaces.http.problem_types import CONFLICTS

    assert set(TITLES["en"]) == set(TITLES["vi"])
    for slug, title in CONFLICTS.values():
        assert TITLES["en"][slug] == title
