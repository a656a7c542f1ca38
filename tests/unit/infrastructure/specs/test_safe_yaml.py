"""The YAML loader for untrusted uploads: alias bombs and deep nesting are refused early."""

import time

import pytest
import yaml

from infrastructure.specs.safe_yaml import MAX_ALIASES, YamlRefused, load_yaml

BILLION_LAUGHS = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def refusal(source: str) -> YamlRefused:
    with pytest.raises(YamlRefused) as caught:
        load_yaml(source, max_depth=200)
    return caught.value


class TestLoadYaml:
    def test_builds_shared_anchors_of_a_reasonable_document(self) -> None:
        document = load_yaml(
            "base: &base {type: string}\nname: *base\nnick: {<<: *base, maxLength: 9}\n",
            max_depth=200,
        )

        assert document == {
            "base": {"type": "string"},
            "name": {"type": "string"},
            "nick": {"type": "string", "maxLength": 9},
        }

    def test_refuses_the_billion_laughs_in_well_under_a_second(self) -> None:
        started = time.process_time()  # CPU, so a busy machine cannot fail it

        error = refusal(BILLION_LAUGHS)

        assert time.process_time() - started < 0.5
        assert error.problem == "aliases expand to more than 1000000 extra nodes"
        assert error.problem_mark is not None
        assert error.problem_mark.line == 6

    def test_refuses_an_alias_inside_its_own_anchor(self) -> None:
        assert refusal("a: &a [1, *a]\n").problem == "an alias refers to a node that contains it"

    def test_refuses_nesting_deeper_than_the_limit_quickly(self) -> None:
        started = time.process_time()  # CPU, so a busy machine cannot fail it

        error = refusal("a: " + "[" * 100_000 + "]" * 100_000)

        assert time.process_time() - started < 0.5
        assert error.problem == "nested deeper than 200 levels"

    def test_refuses_aliases_that_stack_past_the_depth_limit(self) -> None:
        nested = "[" * 150 + "1" + "]" * 150
        error = refusal(f"a: &a {nested}\nb: " + "[" * 60 + "*a" + "]" * 60 + "\n")

        assert error.problem == "aliases nest deeper than 200 levels"

    def test_refuses_more_aliases_than_the_limit(self) -> None:
        source = "a: &a 1\nb: [" + ", ".join(["*a"] * (MAX_ALIASES + 1)) + "]\n"

        assert refusal(source).problem == f"more than {MAX_ALIASES} aliases"

    def test_still_reports_undefined_aliases_as_syntax_errors(self) -> None:
        with pytest.raises(yaml.MarkedYAMLError, match="found undefined alias"):
            load_yaml("a: *nowhere\n", max_depth=200)
