"""Optional compiled (mypyc) builds of the hot engine modules, with a pure-Python fallback.

`tools/build_native.py` compiles the modules listed in `PACKAGES` into
``build/native/<package>/`` (the extension modules laid out as a package path) and writes a
``manifest.json`` there with the interpreter's ABI tags and the sha256 of every source file of the
package. A package's ``__init__`` calls `use_compiled` before it imports any submodule; the build
is put in front of the package's ``__path__`` only when the manifest matches this interpreter and
the sources exactly as they are now. Anything else (no build, another Python, a source edited
since the build, ``VG_PURE_PYTHON=1``) leaves the package pure Python, so a stale build never runs.

No web or database imports here: the engines import this module first thing.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import importlib.util
import json
import os
import sys
import sysconfig
from collections.abc import Sequence
from pathlib import Path
from typing import Any

# Package -> the modules of it that are compiled (its __init__ stays Python: it makes the choice).
PACKAGES: dict[str, tuple[str, ...]] = {
    "api.feedback": ("cues", "engine", "loader", "patterns", "taxonomy", "textnorm", "types"),
    "api.safety": ("cues", "engine", "text", "types"),
}
# mypyc puts the compiled code of a package in one shared library, <package>.<GROUP>__mypyc;
# each compiled module is a small extension module that loads its part from there.
GROUP = "_native"
ROOT = Path(__file__).resolve().parent.parent
BUILD_DIR = ROOT / "build" / "native"
MANIFEST = "manifest.json"
# Set to "1" to ignore any build and run everything as plain Python.
PURE_ENV = "VG_PURE_PYTHON"


def package_dir(package: str) -> Path:
    """The source directory of a package (where its data files are), also when compiled: a
    compiled module's ``__file__`` points into the build directory instead."""
    return ROOT.joinpath(*package.split("."))


def build_dir(package: str, base: Path = BUILD_DIR) -> Path:
    """Where the build of one package lives (`base`/<package>/, holding manifest.json)."""
    return base / package


def module_dir(package: str, base: Path = BUILD_DIR) -> Path:
    """The directory inside the build that goes in front of the package's ``__path__``."""
    return build_dir(package, base).joinpath(*package.split("."))


def abi_tags() -> dict[str, str]:
    """What a build must have been made for to be loadable by this interpreter."""
    return {
        "ext_suffix": str(sysconfig.get_config_var("EXT_SUFFIX")),
        "cache_tag": str(sys.implementation.cache_tag),
    }


def source_hashes(src_dir: Path) -> dict[str, str]:
    """sha256 of every Python file of the package: the compiled modules and the siblings they
    were type-checked against (mypyc relies on their types too)."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(src_dir.glob("*.py"))
    }


def make_manifest(package: str, src_dir: Path) -> dict[str, Any]:
    return {
        "package": package,
        "modules": list(PACKAGES[package]),
        **abi_tags(),
        "sources": source_hashes(src_dir),
    }


def manifest_matches(package: str, src_dir: Path, base: Path = BUILD_DIR) -> bool:
    """True when `base` holds a complete build of `package` made from the sources in `src_dir`
    as they are now, for this interpreter."""
    try:
        manifest = json.loads((build_dir(package, base) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(manifest, dict):
        return False
    if manifest.get("package") != package or manifest.get("modules") != list(PACKAGES[package]):
        return False
    tags = abi_tags()
    if any(manifest.get(k) != v for k, v in tags.items()):
        return False
    try:
        if manifest.get("sources") != source_hashes(src_dir):
            return False
    except OSError:
        return False
    mdir = module_dir(package, base)
    suffix = tags["ext_suffix"]
    names = [*PACKAGES[package], f"{GROUP}__mypyc"]
    return all((mdir / f"{name}{suffix}").is_file() for name in names)


def use_compiled(package: str, path: list[str], base: Path = BUILD_DIR) -> bool:
    """Put the compiled build of `package` in front of its ``__path__`` (pass the package's
    ``__path__`` list) when it is present, current and loadable; return whether it did."""
    if os.environ.get(PURE_ENV) == "1" or package not in PACKAGES:
        return False
    if not manifest_matches(package, package_dir(package), base):
        return False
    mdir = module_dir(package, base)
    if not _load_group(package, mdir):
        return False
    if str(mdir) not in path:
        path.insert(0, str(mdir))
    return True


def _load_group(package: str, mdir: Path) -> bool:
    """Load the package's shared library (it runs no module code yet), so that a build this
    machine cannot load (copied from elsewhere, another C library) means pure Python instead of
    an ImportError later. The compiled modules then find it in sys.modules."""
    name = f"{package}.{GROUP}__mypyc"
    if name in sys.modules:
        return True
    spec = importlib.util.spec_from_file_location(
        name, mdir / f"{GROUP}__mypyc{abi_tags()['ext_suffix']}"
    )
    if spec is None or spec.loader is None:
        return False
    try:
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    except (ImportError, OSError):
        return False
    sys.modules[name] = module
    return True


def is_compiled(package: str) -> bool:
    """Whether the listed modules of `package` really run compiled (imports them to see)."""
    importlib.import_module(package)
    suffix = str(sysconfig.get_config_var("EXT_SUFFIX"))
    for name in PACKAGES[package]:
        mod = importlib.import_module(f"{package}.{name}")
        if not (getattr(mod, "__file__", None) or "").endswith(suffix):
            return False
    return True


def mode(package: str) -> str:
    """'compiled' or 'pure Python', for the bench and the logs."""
    return "compiled (mypyc)" if is_compiled(package) else "pure Python"


def frozen_getstate(obj: Any) -> list[object]:
    """The state of a frozen dataclass for copy and pickle, as `dataclasses` makes it for
    ``slots=True``. The frozen dataclasses of compiled modules define ``__getstate__`` and
    ``__setstate__`` with these two: mypyc's own pair would restore the fields with setattr,
    which a frozen dataclass refuses, so copy.copy, copy.deepcopy and pickle would fail."""
    return [getattr(obj, f.name) for f in dataclasses.fields(obj)]


def frozen_setstate(obj: Any, state: Sequence[object]) -> None:
    for f, value in zip(dataclasses.fields(obj), state, strict=False):
        object.__setattr__(obj, f.name, value)


def frozen_reduce(obj: Any) -> tuple[Any, ...]:
    """`__reduce__` of a frozen dataclass that writes out its own ``__init__`` (so that it runs
    compiled): copy and pickle call the class with the field values. Compiled, such a class
    runs ``__init__`` inside ``__new__`` as well, so the `frozen_getstate` pair cannot serve."""
    return type(obj), tuple(getattr(obj, f.name) for f in dataclasses.fields(obj))
