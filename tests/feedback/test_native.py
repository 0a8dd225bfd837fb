"""The optional compiled build (api/native.py): same output as pure Python, never stale.

The build itself comes from `make test` (tools/build_native.py). Without it, or with a stale one,
the engines run as pure Python; the comparison below is then skipped on a laptop but FAILS under
CI=true, where `make test` has just built it.
"""

from __future__ import annotations

import copy
import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from api import native
from api.feedback import analyze
from api.safety import check
from tests.conftest import skip_or_fail

ROOT = native.ROOT

# Runs in a subprocess: the mode of each package, then every result as JSON.
DUMP = r"""
import dataclasses, json, sys
from pathlib import Path
from api import native
from api.feedback import analyze
from api.safety import check, signals

def plain(o):
    if dataclasses.is_dataclass(o):
        return {f.name: plain(getattr(o, f.name)) for f in dataclasses.fields(o)}
    if isinstance(o, (list, tuple)):
        return [plain(x) for x in o]
    if isinstance(o, frozenset):
        return sorted(o)
    return o

def rows(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]

out = {"mode": {p: native.is_compiled(p) for p in native.PACKAGES}, "feedback": [], "safety": []}
for row in rows(Path("tests/corpus/nl.jsonl")):
    given = row["role"]
    for role in (given, "listener" if given == "speaker" else "speaker"):
        out["feedback"].append(plain(analyze(row["text"], role, ("feeling", "need"))))
for path in sorted(Path("tests/safety").glob("*.jsonl")):
    for row in rows(path):
        t = row["text"]
        out["safety"].append([plain(check(t)), plain(check(t, region="BE")), plain(signals(t))])
json.dump(out, sys.stdout, ensure_ascii=False, sort_keys=True)
"""


def _dump(pure: bool) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k != native.PURE_ENV}
    if pure:
        env[native.PURE_ENV] = "1"
    done = subprocess.run(
        [sys.executable, "-c", DUMP],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=240,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _current_build() -> bool:
    return all(native.manifest_matches(p, native.package_dir(p)) for p in native.PACKAGES)


@pytest.mark.slow
def test_compiled_and_pure_python_give_identical_results() -> None:
    if not _current_build():
        skip_or_fail("no current compiled build in build/native/ (make native builds it)")
    pure = _dump(pure=True)
    compiled = _dump(pure=False)
    assert pure["mode"] == dict.fromkeys(native.PACKAGES, False)
    # A current build must really be used, or this test would compare Python with Python.
    assert compiled["mode"] == dict.fromkeys(native.PACKAGES, True)
    assert len(pure["feedback"]) > 2000
    assert len(pure["safety"]) > 2000
    assert compiled["feedback"] == pure["feedback"]
    assert compiled["safety"] == pure["safety"]


def test_results_survive_copy_and_pickle() -> None:
    # Compiled frozen dataclasses need their own __getstate__/__setstate__ for this.
    for obj in (analyze("Je luistert nooit, ik voel me alleen."), check("ik wil dood")):
        assert copy.copy(obj) == obj
        assert copy.deepcopy(obj) == obj
        assert pickle.loads(pickle.dumps(obj)) == obj


def _fake_build(base: Path, package: str, src_dir: Path) -> None:
    """A build laid out as tools/build_native.py makes it, with empty extension modules."""
    mdir = native.module_dir(package, base)
    mdir.mkdir(parents=True)
    suffix = native.abi_tags()["ext_suffix"]
    for name in [*native.PACKAGES[package], f"{native.GROUP}__mypyc"]:
        (mdir / f"{name}{suffix}").write_bytes(b"")
    manifest = native.make_manifest(package, src_dir)
    (native.build_dir(package, base) / native.MANIFEST).write_text(json.dumps(manifest))


def _edit_manifest(base: Path, package: str, key: str, value: object) -> None:
    path = native.build_dir(package, base) / native.MANIFEST
    manifest = json.loads(path.read_text())
    manifest[key] = value
    path.write_text(json.dumps(manifest))


@pytest.mark.parametrize("package", sorted(native.PACKAGES))
def test_the_current_build_is_put_in_front_of_the_package_path(
    package: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not _current_build():
        skip_or_fail("no current compiled build in build/native/ (make native builds it)")
    monkeypatch.delenv(native.PURE_ENV, raising=False)
    path = ["/src"]
    assert native.use_compiled(package, path)
    assert path == [str(native.module_dir(package)), "/src"]


@pytest.mark.parametrize("package", sorted(native.PACKAGES))
def test_a_wrong_source_hash_means_pure_python(
    package: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(native.PURE_ENV, raising=False)
    _fake_build(tmp_path, package, native.package_dir(package))
    assert native.manifest_matches(package, native.package_dir(package), tmp_path)
    hashes = native.source_hashes(native.package_dir(package))
    hashes["engine.py"] = "0" * 64
    _edit_manifest(tmp_path, package, "sources", hashes)
    assert not native.manifest_matches(package, native.package_dir(package), tmp_path)
    path = ["/src"]
    assert not native.use_compiled(package, path, base=tmp_path)
    assert path == ["/src"]


def test_an_edited_or_added_source_makes_the_build_stale(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(native.package_dir("api.feedback"), src, ignore=shutil.ignore_patterns("rules"))
    base = tmp_path / "build"
    _fake_build(base, "api.feedback", src)
    assert native.manifest_matches("api.feedback", src, base)
    engine = src / "engine.py"
    original = engine.read_bytes()
    engine.write_bytes(original + b"\n# edited\n")
    assert not native.manifest_matches("api.feedback", src, base)
    engine.write_bytes(original)
    assert native.manifest_matches("api.feedback", src, base)
    (src / "extra.py").write_text("X = 1\n")
    assert not native.manifest_matches("api.feedback", src, base)


@pytest.mark.parametrize(
    ("key", "value"),
    [("ext_suffix", ".cpython-99-elsewhere.so"), ("cache_tag", "cpython-99"), ("modules", [])],
)
def test_a_build_for_another_interpreter_is_not_used(
    key: str, value: object, tmp_path: Path
) -> None:
    _fake_build(tmp_path, "api.feedback", native.package_dir("api.feedback"))
    _edit_manifest(tmp_path, "api.feedback", key, value)
    assert not native.manifest_matches("api.feedback", native.package_dir("api.feedback"), tmp_path)


def test_a_missing_file_is_not_used(tmp_path: Path) -> None:
    src = native.package_dir("api.feedback")
    assert not native.manifest_matches("api.feedback", src, tmp_path)
    _fake_build(tmp_path, "api.feedback", src)
    (
        native.module_dir("api.feedback", tmp_path) / f"engine{native.abi_tags()['ext_suffix']}"
    ).unlink()
    assert not native.manifest_matches("api.feedback", src, tmp_path)


def test_a_build_that_cannot_be_loaded_means_pure_python(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(native.PURE_ENV, raising=False)
    # Not yet loaded in this process under this name, so use_compiled really tries the file.
    monkeypatch.setitem(native.PACKAGES, "api.elsewhere", native.PACKAGES["api.feedback"])
    monkeypatch.setattr(native, "package_dir", lambda package: native.ROOT / "api" / "feedback")
    _fake_build(tmp_path, "api.elsewhere", native.ROOT / "api" / "feedback")
    assert native.manifest_matches("api.elsewhere", native.ROOT / "api" / "feedback", tmp_path)
    path: list[str] = []
    assert not native.use_compiled("api.elsewhere", path, base=tmp_path)
    assert path == []


def test_vg_pure_python_turns_the_build_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(native.PURE_ENV, "1")
    for package in native.PACKAGES:
        path: list[str] = []
        assert not native.use_compiled(package, path)
        assert path == []
    if _current_build():
        # ... where the same call without it uses the build.
        monkeypatch.setenv(native.PURE_ENV, "0")
        assert all(native.use_compiled(package, []) for package in native.PACKAGES)
