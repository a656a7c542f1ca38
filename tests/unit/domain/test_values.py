"""The shared value rules: text, e-mail addresses and base URLs."""

import pytest

from domain.shared.errors import InvalidValueError
from domain.shared.values import (
    require_email,
    require_http_url,
    require_text,
    require_verbatim_text,
)


class TestRequireText:
    def test_returns_the_text_stripped(self) -> None:
        assert require_text("name", "  Petstore \n", max_length=20) == "Petstore"

    def test_refuses_empty_text_naming_the_field(self) -> None:
        with pytest.raises(InvalidValueError) as refused:
            require_text("name", "   ", max_length=20)
        assert refused.value.field == "name"
        assert "must not be empty" in refused.value.message

    def test_accepts_empty_text_when_allowed(self) -> None:
        assert require_text("description", "  ", max_length=20, allow_empty=True) == ""

    def test_accepts_text_of_exactly_the_maximum_length(self) -> None:
        assert require_text("name", "x" * 20, max_length=20) == "x" * 20

    def test_refuses_text_longer_than_the_maximum_naming_the_field(self) -> None:
        with pytest.raises(InvalidValueError) as refused:
            require_text("description", "x" * 21, max_length=20, allow_empty=True)
        assert refused.value.field == "description"
        assert "at most 20" in refused.value.message

    @pytest.mark.parametrize("text", ["nul\u0000inside", "\u0000", " trailing\u0000"])
    def test_refuses_a_nul_character_naming_the_field(self, text: str) -> None:
        with pytest.raises(InvalidValueError) as refused:
            require_text("name", text, max_length=100, allow_empty=True)
        assert refused.value.field == "name"
        assert "NUL" in refused.value.message

    def test_measures_the_length_after_stripping(self) -> None:
        assert require_text("name", "  " + "x" * 20 + "  ", max_length=20) == "x" * 20


class TestRequireEmail:
    @pytest.mark.parametrize(
        "address", ["ada@example.com", "ada.lovelace+tests@mail.example.co.uk", "A@B.IO"]
    )
    def test_accepts_a_well_formed_address(self, address: str) -> None:
        assert require_email(address) == address

    def test_strips_surrounding_space(self) -> None:
        assert require_email("  ada@example.com\t") == "ada@example.com"

    @pytest.mark.parametrize(
        "address",
        [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "ada@@example.com",
            "ada lovelace@example.com",
            "ada@exa mple.com",
            "x" * 65 + "@example.com",
            "ada@" + "x" * 250 + ".com",
            "a\u0000da@example.com",
        ],
    )
    def test_refuses_a_malformed_address_naming_the_email_field(self, address: str) -> None:
        with pytest.raises(InvalidValueError) as refused:
            require_email(address)
        assert refused.value.field == "email"
        assert str(refused.value).startswith("email: ")


class TestRequireHttpUrl:
    @pytest.mark.parametrize(
        ("given", "kept"),
        [
            ("https://api.example.com/v1", "https://api.example.com/v1"),
            ("http://localhost:8080", "http://localhost:8080"),
            ("https://api.example.com/v1/", "https://api.example.com/v1"),
            ("  https://api.example.com  ", "https://api.example.com"),
        ],
    )
    def test_accepts_an_absolute_http_url_without_its_trailing_slash(
        self, given: str, kept: str
    ) -> None:
        assert require_http_url("base_url", given) == kept

    def test_treats_an_empty_url_as_none(self) -> None:
        assert require_http_url("base_url", "   ") == ""

    @pytest.mark.parametrize(
        "url",
        [
            "ftp://files.example.com",
            "/relative/path",
            "api.example.com",
            "https://",
            "javascript:alert(1)",
            "file:///etc/passwd",
            "http://[::1",
            "https://[not-an-address]/v1",
            "http://api.example.com:99999",
            "http://api.example.com:port",
        ],
    )
    def test_refuses_anything_but_an_absolute_http_url_naming_the_field(self, url: str) -> None:
        with pytest.raises(InvalidValueError) as refused:
            require_http_url("base_url", url)
        assert refused.value.field == "base_url"
        assert "absolute http or https URL" in refused.value.message

    def test_refuses_a_nul_character_naming_the_field(self) -> None:
        with pytest.raises(InvalidValueError) as refused:
            require_http_url("base_url", "https://api.exa\u0000mple.com")
        assert refused.value.field == "base_url"
        assert "must not contain NUL characters" in refused.value.message

    @pytest.mark.parametrize("url", ["http://a b/", "https://api.example.com/v1 x", "http://a\tb"])
    def test_refuses_a_url_with_spaces_naming_the_field(self, url: str) -> None:
        with pytest.raises(InvalidValueError) as refused:
            require_http_url("base_url", url)
        assert refused.value.field == "base_url" and "spaces" in refused.value.message

    def test_refuses_a_url_longer_than_2048_characters(self) -> None:
        with pytest.raises(InvalidValueError) as refused:
            require_http_url("base_url", "https://example.com/" + "a" * 2048)
        assert refused.value.field == "base_url"
        assert "2048" in refused.value.message


class TestRequireVerbatimText:
    def test_keeps_surrounding_space(self) -> None:
        assert require_verbatim_text("headers.X-A", " a b ", max_length=5) == " a b "

    def test_refuses_text_longer_than_the_maximum_naming_the_field(self) -> None:
        with pytest.raises(InvalidValueError) as refused:
            require_verbatim_text("auth.token", "x" * 6, max_length=5)
        assert refused.value.field == "auth.token"
        assert "at most 5" in refused.value.message

    def test_refuses_a_nul_character_naming_the_field(self) -> None:
        with pytest.raises(InvalidValueError) as refused:
            require_verbatim_text("variables.0.value", "a\u0000", max_length=5)
        assert refused.value.field == "variables.0.value"
        assert "NUL" in refused.value.message
