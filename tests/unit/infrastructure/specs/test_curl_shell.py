"""Splitting shell text into commands and words."""

import pytest

from infrastructure.specs.curl_shell import Command, ShellSyntaxError, split_commands


def words(text: str) -> list[list[str]]:
    return [command.words for command in split_commands(text)]


class TestSplitCommands:
    def test_splits_on_whitespace(self) -> None:
        assert words("curl -X GET  https://h/a") == [["curl", "-X", "GET", "https://h/a"]]

    def test_keeps_single_quoted_text_literally(self) -> None:
        assert words('curl -d \'{"a": "$HOME\\n"}\'') == [["curl", "-d", '{"a": "$HOME\\n"}']]

    def test_reads_escapes_inside_double_quotes(self) -> None:
        assert words('curl -d "{\\"a\\": \\"x\\\\y\\"}"') == [["curl", "-d", '{"a": "x\\y"}']]

    def test_reads_ansi_c_strings(self) -> None:
        assert words('curl --data $\'{"bio":"It\\\'s\\tme\\u00e9\\x41\\101"}\'') == [
            ["curl", "--data", '{"bio":"It\'s\tmeéAA"}']
        ]

    def test_joins_backslash_newline_continuations(self) -> None:
        commands = split_commands("curl https://h/a \\\n  -H 'A: 1' \\\r\n  --compressed\n")

        assert commands == [Command(1, ["curl", "https://h/a", "-H", "A: 1", "--compressed"])]

    def test_starts_a_new_command_on_each_line_and_after_separators(self) -> None:
        commands = split_commands("curl a\n\ncurl b; curl c && curl d\n")

        assert commands == [
            Command(1, ["curl", "a"]),
            Command(3, ["curl", "b"]),
            Command(3, ["curl", "c"]),
            Command(3, ["curl", "d"]),
        ]

    def test_skips_comments(self) -> None:
        assert words("# list users\ncurl https://h/users # trailing\n") == [
            ["curl", "https://h/users"]
        ]

    def test_keeps_a_hash_inside_a_word(self) -> None:
        assert words("curl https://h/a#frag") == [["curl", "https://h/a#frag"]]

    def test_keeps_empty_quoted_words(self) -> None:
        assert words("curl -d '' https://h") == [["curl", "-d", "", "https://h"]]

    def test_reads_windows_cmd_exports(self) -> None:
        text = (
            'curl ^"https://h/api/items^" ^\n'
            '  -H ^"content-type: application/json^" ^\n'
            '  --data-raw ^"^{^\\^"name^\\^":^\\^"box^\\^"^}^"\n'
        )

        assert words(text) == [
            [
                "curl",
                "https://h/api/items",
                "-H",
                "content-type: application/json",
                "--data-raw",
                '{"name":"box"}',
            ]
        ]

    def test_reads_powershell_backtick_continuations(self) -> None:
        assert words("curl.exe https://h/a `\n  -H 'A: 1'") == [
            ["curl.exe", "https://h/a", "-H", "A: 1"]
        ]

    def test_counts_lines_inside_quoted_text(self) -> None:
        commands = split_commands("curl -d '{\n  \"a\": 1\n}' https://h\ncurl https://i\n")

        assert [command.line for command in commands] == [1, 4]

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("curl 'https://h", "unterminated ' quote"),
            ('curl "https://h', 'unterminated " quote'),
            ("curl $'https://h", "unterminated $' quote"),
        ],
    )
    def test_refuses_unterminated_quotes_with_their_line(self, text: str, message: str) -> None:
        with pytest.raises(ShellSyntaxError) as caught:
            split_commands("\n" + text)

        assert (caught.value.line, caught.value.message) == (2, message)
