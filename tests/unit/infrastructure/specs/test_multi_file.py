"""Specifications split across files, put together into one document."""

import io
import tarfile
import zipfile
from pathlib import Path

import pytest

from infrastructure.specs.archive import ArchiveError, read_archive
from infrastructure.specs.multi_file import MultiFileError, bundle_archive
from infrastructure.specs.service import SpecificationParser

SEPARATE = Path(__file__).parents[3] / "fixtures" / "multi_file" / "petstore-separate"
LIMIT = 5 * 1024 * 1024


def _files(root: Path = SEPARATE, prefix: str = "petstore-separate/") -> dict[str, bytes]:
    return {
        prefix + path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def a_zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def a_tar_gz(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, content in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


class TestBundleArchive:
    @pytest.mark.parametrize("pack", [a_zip, a_tar_gz])
    def test_puts_the_petstore_separate_example_together(self, pack: object) -> None:
        bundled = bundle_archive(pack(_files()), "spec/swagger.yaml", max_bytes=LIMIT)  # type: ignore[operator]

        spec = SpecificationParser().parse(bundled.content, filename=bundled.file_name)

        assert spec.issues == []
        assert bundled.file_name == "swagger.json"
        assert sorted(bundled.files) == [
            "petstore-separate/common/Error.yaml",
            "petstore-separate/spec/NewPet.yaml",
            "petstore-separate/spec/Pet.yaml",
            "petstore-separate/spec/parameters.yaml",
        ]
        find = next(e for e in spec.endpoints if e.operation_id == "findPets")
        assert [(p.name, p.data_type) for p in find.parameters] == [
            ("tags", "array"),
            ("limit", "integer"),
        ]
        ok = next(r for r in find.responses if r.status_code == "200")
        pet = ok.schema["items"]
        assert pet["allOf"][0]["properties"]["name"] == {"type": "string"}
        error = next(r for r in find.responses if r.status_code == "default")
        assert set(error.schema["properties"]) == {"code", "message"}

    def test_finds_the_only_entry_document_when_none_is_named(self) -> None:
        bundled = bundle_archive(a_zip(_files()), None, max_bytes=LIMIT)

        assert bundled.file_name == "swagger.json"

    def test_names_a_reference_that_cannot_be_resolved(self) -> None:
        files = _files()
        del files["petstore-separate/common/Error.yaml"]

        with pytest.raises(MultiFileError) as raised:
            bundle_archive(a_zip(files), "spec/swagger.yaml", max_bytes=LIMIT)

        assert raised.value.problems == [
            "cannot resolve '../common/Error.yaml' in petstore-separate/spec/swagger.yaml:"
            " petstore-separate/common/Error.yaml cannot be read (it is not in the archive)"
        ]

    def test_names_a_pointer_that_points_at_nothing(self) -> None:
        files = _files()
        swagger = files["petstore-separate/spec/swagger.yaml"]
        files["petstore-separate/spec/swagger.yaml"] = swagger.replace(
            b"parameters.yaml#/limitsParam", b"parameters.yaml#/limitParam"
        )

        with pytest.raises(MultiFileError) as raised:
            bundle_archive(a_zip(files), "spec/swagger.yaml", max_bytes=LIMIT)

        assert "'parameters.yaml#/limitParam'" in raised.value.problems[0]
        assert "points at nothing" in raised.value.problems[0]

    def test_a_reference_cycle_across_files_ends(self) -> None:
        files = {
            "api.yaml": b"openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n"
            b"  /nodes:\n    get:\n      responses:\n        '200':\n          description: ok\n"
            b"          content:\n            application/json:\n"
            b"              schema: {$ref: 'node.yaml'}\n",
            "node.yaml": b"type: object\nproperties:\n  next: {$ref: 'node.yaml'}\n",
        }

        bundled = bundle_archive(a_zip(files), "api.yaml", max_bytes=LIMIT)

        spec = SpecificationParser().parse(bundled.content, filename=bundled.file_name)
        assert spec.issues == [] and spec.endpoints

    def test_asks_for_the_entry_when_there_are_two_documents(self) -> None:
        files = {**_files(), "other/openapi.yaml": b"openapi: 3.0.3\ninfo: {}\npaths: {}\n"}

        with pytest.raises(MultiFileError) as raised:
            bundle_archive(a_zip(files), None, max_bytes=LIMIT)

        assert "name the entry file" in raised.value.problems[0]


class TestReadArchive:
    def test_refuses_a_member_outside_the_archive(self) -> None:
        with pytest.raises(ArchiveError, match="points outside the archive"):
            read_archive(a_zip({"../evil.yaml": b"x: 1"}), max_bytes=LIMIT)

    def test_stops_reading_past_the_unpacked_limit(self) -> None:
        bomb = a_zip({"big.yaml": b"0" * 2_000_000})

        with pytest.raises(ArchiveError, match="more than 100000 bytes unpacked"):
            read_archive(bomb, max_bytes=100_000)

    def test_refuses_a_link_in_a_tar(self) -> None:
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
            link = tarfile.TarInfo("spec.yaml")
            link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
            archive.addfile(link)

        with pytest.raises(ArchiveError, match="not a plain file"):
            read_archive(buffer.getvalue(), max_bytes=LIMIT)
