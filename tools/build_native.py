"""Compile the hot engine modules with mypyc into build/native/ (optional; see api/native.py).

    python tools/build_native.py

Every package in `api.native.PACKAGES` is compiled as one mypyc group: a shared library
``<package>._native__mypyc`` plus one small extension module per compiled module, all laid out
under ``build/native/<package>/`` as a package path, with a manifest that ties the build to this
interpreter and to the exact sources. Takes about a minute.

The build is an optimisation only. If it fails for any reason (no C compiler, no mypyc or
setuptools, a mypyc error) this prints one line to stderr, removes the partial build and exits 0:
the app then runs in pure Python, with the same results.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from api import native  # noqa: E402


def _build_package(package: str, tmp: Path) -> None:
    """Compile one package into build/native/<package>/ (replacing what was there)."""
    # Imported here so that a machine without them only loses the speed-up.
    from mypyc.build import mypycify
    from setuptools.dist import Distribution

    src_dir = native.package_dir(package)
    sources = [src_dir / f"{m}.py" for m in native.PACKAGES[package]]
    before = native.source_hashes(src_dir)
    out = native.build_dir(package)
    staging = tmp / "out"
    # mypyc names modules by their path relative to the working directory.
    os.chdir(ROOT)
    extensions = mypycify(
        [str(p.relative_to(ROOT)) for p in sources],
        group_name=f"{package}.{native.GROUP}",
        target_dir=str(tmp / "c"),
        opt_level="3",
    )
    # A bare Distribution, not setup(): setup() would read pyproject.toml, which is not needed
    # here (and older setuptools refuse its `license` string).
    dist = Distribution({"name": "veilig-gezegd-native", "ext_modules": extensions})
    cmd: Any = dist.get_command_obj("build_ext")
    cmd.build_lib = str(staging)
    cmd.build_temp = str(tmp / "obj")
    cmd.inplace = False
    dist.run_command("build_ext")
    if native.source_hashes(src_dir) != before:
        raise RuntimeError(f"{package}: sources changed during the build; run it again")
    (staging / native.MANIFEST).write_text(
        json.dumps(native.make_manifest(package, src_dir), indent=2) + "\n", encoding="utf-8"
    )
    shutil.rmtree(out, ignore_errors=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(staging, out)
    if not native.manifest_matches(package, src_dir):
        raise RuntimeError(f"{package}: the new build does not match its manifest")


def _reason(exc: BaseException, log: str) -> str:
    """One line on why a build failed: mypyc prints its errors and then exits."""
    lines = [ln.strip() for ln in log.splitlines() if "error" in ln.lower()]
    text = lines[0] if isinstance(exc, SystemExit) and lines else str(exc)
    return f"{type(exc).__name__}: {' '.join(text.split())[:300]}"


def main() -> int:
    t0 = time.monotonic()
    done: list[str] = []
    failed: dict[str, list[str]] = {}
    for package in native.PACKAGES:
        log = io.StringIO()
        try:
            with (
                tempfile.TemporaryDirectory(prefix="vg-native-") as tmp,
                contextlib.redirect_stdout(log),
            ):
                _build_package(package, Path(tmp))
        except (Exception, SystemExit) as exc:  # any failure means: stay pure Python
            shutil.rmtree(native.build_dir(package), ignore_errors=True)
            failed.setdefault(_reason(exc, log.getvalue()), []).append(package)
            continue
        done.append(package)
    if failed:
        why = "; ".join(f"{', '.join(pkgs)}: {reason}" for reason, pkgs in failed.items())
        print(f"build_native: not compiled, runs as pure Python ({why})", file=sys.stderr)
    if done:
        print(f"build_native: compiled {', '.join(done)} in {time.monotonic() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
