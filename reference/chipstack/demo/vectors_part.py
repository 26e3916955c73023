"""Demo section: every vector suite regenerated, compared with the committed files and checked."""

from __future__ import annotations

from chipstack.testvectors import all_suites
from chipstack.vectors import files
from chipstack.vectors.check import format_table
from chipstack.vectors.runs import coverage_lines, run_checks


def run() -> tuple[list[str], bool]:
    """Return the printable lines and whether everything agreed."""
    root = files.default_vectors_dir()
    suites = all_suites()
    stale = [s.name for s in suites if (root / s.path).read_text(encoding="utf-8") != s.render()]
    run = run_checks(root, suites)
    cov, uncovered = coverage_lines(root, files.default_spec_dir())
    lines = [
        f"{len(suites)} suites in {root}: regenerated from the reference, "
        + ("byte-identical to the committed files" if not stale else f"DIFFERENT: {stale}"),
        *format_table(run.reports).splitlines(),
        "rule coverage: " + cov[-1],
    ]
    return lines, not stale and run.ok and not uncovered
