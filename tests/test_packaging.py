"""The package ships its vectors and spec: a wheel installed elsewhere checks itself (issue 8).

Builds an sdist from a copy of the tree, a wheel from that sdist (without
build isolation, so offline), installs the wheel into a fresh venv whose
dependencies come from the current one through a ``.pth`` file, and runs the
installed ``chipstack`` from another directory.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
from pathlib import Path

import pytest

from chipstack.testvectors import SUITES
from chipstack.vectors import files
from chipstack.vectors.model import Case, Suite

ROOT = Path(__file__).resolve().parents[1]
ADAPTER = ROOT / "tests" / "adapters" / "example_adapter.py"
TREE = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "reference", "spec",
        "vectors", "notebooks")


def _run(cmd: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False,
                          timeout=300)


#: The fresh venv holding the installed wheel, and the environment to run it in.
Installed = tuple[Path, dict[str, str]]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    src.mkdir()
    for name in TREE:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=shutil.ignore_patterns(
                "__pycache__", "*.egg-info", ".ipynb_checkpoints"))
        else:
            shutil.copy2(path, src / name)
    env = {k: v for k, v in os.environ.items() if k != "CHIPSTACK_VECTORS"}
    sdist = _run([sys.executable, "-c",
                  "from setuptools import build_meta as b; print(b.build_sdist('dist'))"], src, env)
    assert sdist.returncode == 0, sdist.stderr[-2000:]
    archive = src / "dist" / sdist.stdout.strip().splitlines()[-1]
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    for folder in ("spec", "vectors", "notebooks"):
        assert any(n.split("/")[1:2] == [folder] for n in names), f"sdist lacks {folder}/"
    wheel = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                  "-q", "-w", str(tmp / "wheels"), str(archive)], tmp, env)
    assert wheel.returncode == 0, wheel.stdout[-2000:] + wheel.stderr[-2000:]
    venv = tmp / "venv"
    made = _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], tmp, env)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    (whl,) = (tmp / "wheels").glob("chipstack-*.whl")
    inst = _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                 "--no-index", "-q", str(whl)], tmp, env)
    assert inst.returncode == 0, inst.stdout[-2000:] + inst.stderr[-2000:]
    site = _run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                tmp, env).stdout.strip()
    # The dependencies (cryptography, pyyaml, tqdm, ...) come from this venv, after the wheel.
    Path(site, "_chipstack_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    return venv, {**env, "PWD": str(elsewhere)}


def _chipstack(installed: Installed, *args: str) -> subprocess.CompletedProcess[str]:
    venv, env = installed
    return _run([str(venv / "bin" / "chipstack"), *args], Path(env["PWD"]), env)


def test_installed_wheel_checks_its_packaged_vectors(installed: Installed) -> None:
    venv, _ = installed
    run = _chipstack(installed, "vectors", "check")
    assert run.returncode == 0, run.stdout + run.stderr
    where = run.stderr.split("vectors: ", 1)[1].splitlines()[0]
    assert Path(where).is_relative_to(venv) and where.endswith("chipstack/_data/vectors")
    rows = [row for row in map(str.split, run.stdout.splitlines()) if row and "/" in row[0]]
    assert len(rows) == len(SUITES) and all(row[-1] == "ok" for row in rows), run.stdout


def test_installed_wheel_runs_an_external_implementation(
    installed: Installed,
) -> None:
    run = _chipstack(installed, "vectors", "check", "--suite", "encoding/compactsize",
                     "--impl", f"{sys.executable} {ADAPTER}")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "encoding/compactsize" in run.stdout


def test_installed_wheel_runs_the_demo_and_coverage(installed: Installed) -> None:
    demo = _chipstack(installed, "demo")
    assert demo.returncode == 0, demo.stdout[-3000:] + demo.stderr[-3000:]
    assert "byte-identical to the committed files" in demo.stdout
    cov = _chipstack(installed, "vectors", "coverage")
    assert cov.returncode == 0 and "MUST rules" in cov.stdout


def test_installed_wheel_generates_only_where_told(
    installed: Installed, tmp_path: Path
) -> None:
    refused = _chipstack(installed, "vectors", "generate")
    assert refused.returncode != 0
    assert "installed copy of the vectors" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    out = tmp_path / "out"
    made = _chipstack(installed, "vectors", "--dir", str(out), "generate", "--suite",
                      "crypto/hashes")
    assert made.returncode == 0, made.stderr
    written = (out / "crypto" / "hashes.json").read_text(encoding="utf-8")
    assert written == (ROOT / "vectors" / "crypto" / "hashes.json").read_text(encoding="utf-8")


def _broken(suite: Suite) -> Suite:
    def fail() -> list[Case]:
        raise ValueError("a generator bug")

    return Suite(suite.name, suite.description, suite.notes, suite.operations, fail)


def test_generate_writes_nothing_when_a_suite_fails(tmp_path: Path) -> None:
    good, other = SUITES[0], SUITES[1]
    files.write_all(tmp_path, [good])
    before = (tmp_path / good.path).read_bytes()
    (tmp_path / good.path).write_text("stale\n", encoding="utf-8")
    with pytest.raises(ValueError, match="a generator bug"):
        files.write_all(tmp_path, [good, _broken(other)])
    assert (tmp_path / good.path).read_text(encoding="utf-8") == "stale\n"
    assert not (tmp_path / other.path).exists()
    assert [p.name for p in tmp_path.iterdir()] == [good.area]  # no staging folder left
    assert files.write_all(tmp_path, [good]) == [(tmp_path / good.path, True)]
    assert (tmp_path / good.path).read_bytes() == before
