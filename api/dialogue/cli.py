"""Command line: `python -m api.dialogue lint|schema-doc ...`; `veilig-lint` is `lint`.

Exit codes: 0 clean (warnings allowed), 1 errors found, 2 usage error (bad arguments, missing
path, unknown --graph id, engine not available).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from api.dialogue.diagnostics import Diagnostic
from api.dialogue.graph import mermaid
from api.dialogue.lint import Analyzer, check_text, default_analyzer, lint_file, scenario_files

USAGE_ERROR = 2


def _lint_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths", nargs="*", type=Path, help="scenario files or directories (default: dialogues/)"
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--no-engine",
        action="store_true",
        help="skip the content checks against the feedback engine (faster)",
    )
    parser.add_argument("--graph", metavar="ID", help="print scenario ID as a Mermaid flowchart")


def _usage(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return USAGE_ERROR


def lint_command(args: argparse.Namespace) -> int:
    paths: list[Path] = args.paths or [Path("dialogues")]
    missing = [p for p in paths if not p.exists()]
    if missing:
        return _usage("no such file or directory: " + ", ".join(map(str, missing)))
    files = [f for p in paths for f in scenario_files(p)]
    if args.graph is not None:
        return _graph(files, args.graph)
    analyzer: Analyzer | None = None
    if not args.no_engine:
        try:
            analyzer = default_analyzer()
        except Exception as exc:  # the engine is another team's code: any failure to load
            return _usage(f"the feedback engine is not available ({exc}); try --no-engine")
    diagnostics: list[Diagnostic] = []
    for file in files:
        diagnostics.extend(lint_file(file, engine=analyzer is not None, analyzer=analyzer))
    errors = sum(d.is_error for d in diagnostics)
    warnings = len(diagnostics) - errors
    if args.format == "json":
        report = {
            "files": len(files),
            "errors": errors,
            "warnings": warnings,
            "engine": analyzer is not None,
            "diagnostics": [d.to_dict() for d in diagnostics],
        }
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        for d in diagnostics:
            print(d.format())
        print(f"{len(files)} file(s): {errors} error(s), {warnings} warning(s)", file=sys.stderr)
    return 1 if errors else 0


def _graph(files: list[Path], scenario_id: str) -> int:
    for file in files:
        if file.stem != scenario_id:
            continue
        result = check_text(file.read_text(encoding="utf-8"), str(file), expected_id=file.stem)
        if result.scenario is None:
            for d in result.errors:
                print(d.format(), file=sys.stderr)
            return 1
        print(mermaid(result.scenario), end="")
        return 0
    return _usage(f"no scenario with id {scenario_id!r} in the given paths")


def schema_doc_command(args: argparse.Namespace) -> int:
    from api.dialogue.schemadoc import generate, replace_generated

    text = generate()
    if args.write is None and args.check is None:
        print(text, end="")
        return 0
    target: Path = args.write or args.check
    if not target.exists():
        return _usage(f"no such file: {target}")
    current = target.read_text(encoding="utf-8")
    updated = replace_generated(current, text)
    if args.check is not None:
        if updated != current:
            print(
                f"{target} is out of date: run python -m api.dialogue schema-doc --write {target}"
            )
            return 1
        return 0
    target.write_text(updated, encoding="utf-8")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """`veilig-lint`: the lint command on its own."""
    parser = argparse.ArgumentParser(prog="veilig-lint", description="Lint scenario files.")
    _lint_arguments(parser)
    return lint_command(parser.parse_args(argv))


def run(argv: Sequence[str] | None = None) -> int:
    """`python -m api.dialogue`: lint and schema-doc subcommands."""
    parser = argparse.ArgumentParser(prog="python -m api.dialogue")
    sub = parser.add_subparsers(dest="command", required=True)
    lint = sub.add_parser("lint", help="lint scenario files")
    _lint_arguments(lint)
    lint.set_defaults(handler=lint_command)
    doc = sub.add_parser("schema-doc", help="print the generated schema reference")
    group = doc.add_mutually_exclusive_group()
    group.add_argument("--write", type=Path, metavar="DOC", help="update the reference in DOC")
    group.add_argument("--check", type=Path, metavar="DOC", help="exit 1 if DOC is out of date")
    doc.set_defaults(handler=schema_doc_command)
    args = parser.parse_args(argv)
    code: int = args.handler(args)
    return code
