"""A plain, non-editable install of the package runs the README's main job (issue 11).

The wheel is built from a copy of the project's sources, installed with ``--no-deps`` into a
directory of its own, and run with only that directory and the venv's site-packages on the
path (``python -S``: the venv's ``.pth`` files, which hold the editable install, are not read),
from a directory outside the repository. So every file the job reads must ship in the wheel.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = [pytest.mark.integration, pytest.mark.slow]

#: What a wheel is built from: the packages and the files pyproject.toml reads.
SOURCES = ("agent", "tools", "ui", "pyproject.toml", "README.md")


def _run(
    argv: list[str], env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=300, env=env, cwd=cwd)
    assert proc.returncode == 0, f"{' '.join(argv)} exited {proc.returncode}:\n{proc.stderr}"
    return proc


def test_the_main_job_runs_from_a_non_editable_install(database_url: str, tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for name in SOURCES:
        if (REPO / name).is_dir():
            shutil.copytree(
                REPO / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
            )
        else:
            shutil.copy2(REPO / name, src / name)
    wheels, site = tmp_path / "wheels", tmp_path / "site"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    offline = ["--no-deps", "--no-index"]
    _run([*pip, "wheel", *offline, "--no-build-isolation", "-w", str(wheels), str(src)])
    (wheel,) = wheels.glob("reelgraph-*.whl")
    _run([*pip, "install", *offline, "--target", str(site), str(wheel)])

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(site), sysconfig.get_paths()["purelib"]]),
        "DATABASE_URL": database_url,
        "REELGRAPH_HOME": str(tmp_path / "home"),
        "REELGRAPH_USER": "installed",
    }
    python = [sys.executable, "-S"]
    where = _run([*python, "-c", "import agent.db; print(agent.db.__file__)"], env, elsewhere)
    assert Path(where.stdout.strip()).is_relative_to(site), where.stdout

    job = [*python, str(site / "bin" / "reelgraph"), "generate"]
    brief = "Create a Nike sneaker ad, energetic style"
    argv = [*job, brief, "--duration", "6", "--yolo", "--json"]
    st = json.loads(_run(argv, env, elsewhere).stdout)
    assert st["status"] == "complete", st
    assert Path(st["final_video"]).stat().st_size > 0
