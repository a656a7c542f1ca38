"""Reading curl's command-line options into a request record."""

from domain.specifications.parsed import ParseIssue
from infrastructure.specs.curl_options import CurlRequest, read_options


def read(*words: str) -> tuple[CurlRequest, list[ParseIssue]]:
    issues: list[ParseIssue] = []
    return read_options(list(words), 4, issues), issues


class TestReadOptions:
    def test_reads_long_and_short_spellings(self) -> None:
        request, issues = read(
            "--request", "put", "-H", "A: 1", "--header", "B: 2", "--url", "https://h/a"
        )

        assert (request.method, request.headers, request.urls) == (
            "PUT",
            ["A: 1", "B: 2"],
            ["https://h/a"],
        )
        assert issues == []

    def test_reads_values_attached_to_short_options(self) -> None:
        request, _ = read("-XPOST", "-HAccept: text/plain", "https://h")

        assert (request.method, request.headers) == ("POST", ["Accept: text/plain"])

    def test_reads_clustered_flags(self) -> None:
        request, issues = read("-sSLkG", "https://h")

        assert request.flags == {"get"}
        assert issues == []

    def test_keeps_every_kind_of_data_in_order(self) -> None:
        request, _ = read(
            "-d", "a=1", "--data-raw", "@b", "--data-urlencode", "c=d e", "--json", "{}"
        )

        assert request.data == [
            ("data", "a=1"),
            ("data-raw", "@b"),
            ("data-urlencode", "c=d e"),
            ("json", "{}"),
        ]

    def test_turns_user_agent_and_referer_into_headers(self) -> None:
        request, _ = read("-A", "bot/1.0", "-e", "https://from")

        assert request.headers == ["User-Agent: bot/1.0", "Referer: https://from"]

    def test_skips_the_value_of_options_that_do_not_change_the_request(self) -> None:
        request, issues = read("-o", "out.json", "--max-time", "5", "https://h")

        assert request.urls == ["https://h"]
        assert issues == []

    def test_notes_unknown_options(self) -> None:
        request, issues = read("--frobnicate", "-Q", "https://h")

        assert request.urls == ["https://h"]
        assert issues == [
            ParseIssue("line 4", "unknown curl option --frobnicate is ignored"),
            ParseIssue("line 4", "unknown curl option -Q is ignored"),
        ]

    def test_notes_an_option_missing_its_value(self) -> None:
        _, issues = read("https://h", "-H")

        assert issues == [ParseIssue("line 4", "option -H needs a value")]
