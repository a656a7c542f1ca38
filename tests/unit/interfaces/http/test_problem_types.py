"""Every named conflict has a problem type, and every problem type is described in
docs/problems.md under its own heading, so a `type` URI always leads to its description."""

import ast
import importlib
import itertools
import pkgutil
import re
from pathlib import Path

import application
import domain
from domain.shared.errors import ConflictError
from interfaces.http.errors import _HTTP_PROBLEMS
from interfaces.http.problem_types import CONFLICTS, conflict_type

ROOT = Path(__file__).resolve().parents[4]


def named_conflicts() -> set[type[ConflictError]]:
    """This function will import the domain and the applications and give every
    ConflictError subclass they declare."""
    for package in (domain, application):
        for module in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            importlib.import_module(module.name)
    found: set[type[ConflictError]] = set()
    pending = [ConflictError]
    while pending:
        for sub in pending.pop().__subclasses__():
            if sub.__module__.startswith(("domain.", "application.")):
                found.add(sub)
            pending.append(sub)
    return found


def slugs_raised_in_interfaces() -> set[str]:
    """This function will read, from the interface layer's source, every problem type its
    ProblemError(...) and problem(...) calls name, and every `/problems/...` it writes."""
    found = set()
    for path in (ROOT / "interfaces").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                constants = [a.value for a in node.args if isinstance(a, ast.Constant)]
                if name in ("ProblemError", "problem"):
                    found |= {
                        after
                        for before, after in itertools.pairwise(constants)
                        if isinstance(before, int) and isinstance(after, str)
                    }
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                match = re.fullmatch(r"/problems/([a-z-]+)", node.value)
                if match:
                    found.add(match.group(1))
    return found


def documented() -> set[str]:
    text = (ROOT / "docs" / "problems.md").read_text()
    return set(re.findall(r"^### ([a-z-]+)$", text, flags=re.MULTILINE))


def answered() -> set[str]:
    return (
        {slug for slug, _ in CONFLICTS.values()}
        | {slug for slug, _ in _HTTP_PROBLEMS.values()}
        | slugs_raised_in_interfaces()
        | {"conflict", "http-error"}  # the defaults of conflict_type and the HTTP handler
    )


class TestProblemTypes:
    def test_maps_every_named_conflict_to_a_type_of_its_own(self) -> None:
        assert named_conflicts() - set(CONFLICTS) == set()
        slugs = [slug for slug, _ in CONFLICTS.values()]
        assert len(slugs) == len(set(slugs))

    def test_names_a_conflict_by_its_nearest_named_class(self) -> None:
        class Unnamed(ConflictError):
            pass

        named = next(iter(CONFLICTS))

        class Narrower(named):  # type: ignore[misc,valid-type]
            pass

        assert conflict_type(Unnamed("x")) == ("conflict", "Conflict")
        assert conflict_type(Narrower("x")) == CONFLICTS[named]

    def test_describes_every_type_the_server_answers(self) -> None:
        assert answered() - documented() == set()

    def test_describes_no_type_the_server_does_not_answer(self) -> None:
        assert documented() - answered() == set()
