"""Build step that ships the vector files and the spec inside the package (issue 8).

Everything else is declared in ``pyproject.toml``. The canonical, documented
places stay the top-level ``vectors/`` and ``spec/`` folders of the repository;
building copies them to ``chipstack/_data/vectors`` and ``chipstack/_data/spec``
in the wheel, where :mod:`chipstack.vectors.files` finds them with
``importlib.resources`` (spec/05-vectors.md, "Where the files are").
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
#: Repository folders copied into the package, by name under ``chipstack/_data``.
DATA_DIRS = ("vectors", "spec")


class BuildPyWithData(build_py):
    """``build_py`` that also copies :data:`DATA_DIRS` into the built package."""

    def run(self) -> None:
        """Build the Python modules, then copy the data folders next to them."""
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the folders in place
        for name in DATA_DIRS:
            source = HERE / name
            if not source.is_dir():
                raise FileNotFoundError(f"{source}: the package ships it; build from a full tree")
            target = Path(self.build_lib) / "chipstack" / "_data" / name
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(source, target)


setup(cmdclass={"build_py": BuildPyWithData})
