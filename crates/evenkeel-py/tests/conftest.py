"""Shared fixtures: the evenkeel binary the Python results are compared with, and a real
local Spark session. A missing piece fails the run; nothing is skipped."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def evenkeel_bin() -> Path:
    path = os.environ.get("EVENKEEL_BIN")
    assert path, "EVENKEEL_BIN must name the evenkeel binary (scripts/test-python.sh sets it)"
    p = Path(path)
    assert p.is_file() and os.access(p, os.X_OK), f"EVENKEEL_BIN={path} is not an executable file"
    return p


@pytest.fixture(scope="session")
def cli(evenkeel_bin, tmp_path_factory):
    """Runs the CLI in an empty folder (so no evenkeel.toml applies) and returns stdout."""
    cwd = tmp_path_factory.mktemp("cli")

    def run(*args, stdin=None, ok=(0,)):
        p = subprocess.run(
            [str(evenkeel_bin), "--no-config", *args],
            cwd=cwd,
            input=stdin,
            capture_output=True,
            env={**os.environ, "NO_COLOR": "1"},
        )
        assert p.returncode in ok, f"evenkeel {' '.join(args)}: exit {p.returncode}\n{p.stderr.decode()}"
        return p.stdout.decode()

    return run


def canonical(value) -> str:
    """Canonical JSON: sorted keys, no spaces, non-ASCII kept."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@pytest.fixture(scope="session")
def spark():
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("evenkeel tests")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    yield session
    session.stop()
