"""Every spelling of a value on its way out: the encoders and the masker's list of them."""

import base64

from infrastructure.execution.encodings import (
    basic_credentials,
    form,
    json_ascii,
    json_text,
    path_param,
    spellings,
    url_path,
    url_query,
)


class TestEncoders:
    def test_escape_json_as_bodies_are_built_and_as_python_defaults_to(self) -> None:
        assert (json_text('é"'), json_ascii('é"')) == ('é\\"', '\\u00e9\\"')

    def test_keep_a_path_segment_one_segment_and_a_template_path_several(self) -> None:
        assert (path_param("a/b %41"), url_path("a/b")) == ("a%2Fb%20%2541", "a/b")

    def test_encode_the_query_and_forms_as_urlencode_does(self) -> None:
        assert (url_query("a b&c"), form("a b&c")) == ("a%20b%26c", "a+b%26c")

    def test_spell_basic_credentials_as_the_header_carries_them(self) -> None:
        assert base64.b64decode(basic_credentials("alice", "s3:cret")) == b"alice:s3:cret"


class TestSpellings:
    def test_include_the_secret_and_each_of_its_encodings(self) -> None:
        secret = 'p@ss w"rd/é'
        found = spellings(secret)
        for encode in (json_text, json_ascii, path_param, url_query, form):
            assert encode(secret) in found
        assert secret in found and json_ascii(json_text(secret)) in found

    def test_of_a_plain_word_are_only_the_word(self) -> None:
        assert spellings("hunter2") == {"hunter2"}
