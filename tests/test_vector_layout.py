"""The vector layout (issue 8): generation lives in chipstack.testvectors only."""

from __future__ import annotations

import re
from pathlib import Path

import chipstack
from chipstack.testvectors import SUITES

PACKAGE = Path(chipstack.__file__).parent
IMPORT = re.compile(r"^\s*(?:from|import)\s+(chipstack\.[\w.]+)", re.M)


def _imports(path: Path) -> set[str]:
    return set(IMPORT.findall(path.read_text(encoding="utf-8")))


def test_protocol_packages_do_not_import_vector_generation() -> None:
    offenders = [
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if p.relative_to(PACKAGE).parts[0] not in ("testvectors", "vectors", "cli", "demo")
        and any(m.startswith("chipstack.testvectors") for m in _imports(p))
    ]
    assert offenders == []


def test_no_vector_generator_modules_left_in_protocol_packages() -> None:
    names = {"vectors.py", "vector_ops.py", "onchain_vectors.py"}
    left = [str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py") if p.name in names]
    assert left == []
    assert not (PACKAGE / "chain" / "cases").exists()


def test_demo_does_not_import_the_cli() -> None:
    for p in (PACKAGE / "demo").rglob("*.py"):
        assert not any(m.startswith("chipstack.cli") for m in _imports(p)), p.name


def test_every_suite_module_sits_in_its_area_folder() -> None:
    for suite in SUITES:
        module = suite.build_cases.__module__
        assert module.startswith(f"chipstack.testvectors.{suite.area}."), (suite.name, module)
