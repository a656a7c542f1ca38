"""The masker against the spellings a secret takes on its way out and back."""

import json
from urllib.parse import quote, quote_plus

from infrastructure.execution.masking import SecretMasker, masked_response
from infrastructure.execution.response import Received

SECRET = 'pä"ss\\w?#&+%41/ord'


class TestSpellings:
    def test_masks_a_secret_in_a_json_body_built_with_utf8_escapes(self) -> None:
        body = json.dumps({"password": SECRET}, ensure_ascii=False)
        assert SECRET not in body  # the quote and the backslash are escaped
        assert SecretMasker([SECRET]).mask(body) == '{"password": "***"}'

    def test_masks_a_secret_in_ascii_escapes(self) -> None:
        body = json.dumps({"password": SECRET})
        assert SecretMasker([SECRET]).mask(body) == '{"password": "***"}'

    def test_masks_a_json_body_echoed_inside_a_json_string(self) -> None:
        inner = json.dumps({"password": SECRET}, ensure_ascii=False)
        echoed = json.dumps({"body": inner})
        twice = json.dumps({"again": echoed}, ensure_ascii=False)
        masker = SecretMasker([SECRET])
        assert json.loads(masker.mask(echoed)) == {"body": '{"password": "***"}'}
        assert "***" in masker.mask(twice) and "ä" not in masker.mask(twice)

    def test_masks_every_percent_encoding(self) -> None:
        masker = SecretMasker([SECRET])
        path = quote(SECRET, safe="-._~!$&'()*+,;=:@/")
        for spelling in (quote(SECRET, safe=""), quote_plus(SECRET), path):
            assert masker.mask(f"/x?a={spelling}&b=1") == "/x?a=***&b=1", spelling

    def test_masks_the_repr_of_a_secret_in_a_failure_reason(self) -> None:
        reason = f"expected 'x', got {SECRET!r}"
        assert SecretMasker([SECRET]).mask(reason) == "expected 'x', got '***'"

    def test_masks_the_longest_spelling_whole(self) -> None:
        masker = SecretMasker(["abc", "abcdef"])
        assert masker.mask("xabcdefx abc") == "x***x ***"


class TestMaskedResponse:
    def _received(self, document: object) -> Received:
        body = json.dumps(document).encode()
        return Received(
            status=200,
            headers={"content-type": "application/json", "x-echo": SECRET},
            body=body,
            truncated=False,
            size=len(body),
            elapsed_ms=1,
            url="http://target/echo",
        )

    def test_shows_checks_every_secret_as_stars_and_keeps_the_json_readable(self) -> None:
        masker = SecretMasker([SECRET, "1234"])
        seen = masked_response(self._received({"auth": f"Bearer {SECRET}", "pin": 1234}), masker)
        assert seen.json() == {"auth": "Bearer ***", "pin": "***"}
        assert seen.headers["x-echo"] == "***"
        assert SECRET[:3] not in seen.text and "1234" not in seen.text
        assert json.loads(seen.body) == seen.json()

    def test_hands_back_the_same_response_when_no_secret_is_in_it(self) -> None:
        received = self._received({"id": 7})
        received.headers.pop("x-echo")
        assert masked_response(received, SecretMasker([SECRET])) is received
