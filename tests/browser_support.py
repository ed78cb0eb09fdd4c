"""Browser tests: playwright driving Debian's chromium (never `playwright install`),
and axe-core injected into the page for accessibility checks."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

AXE_JS = Path(__file__).resolve().parent / "browser_assets" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"]
DOCS = Path(__file__).resolve().parent.parent / "docs"


def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.skip("browser test skipped: Debian's chromium is not installed (apt-get install chromium fonts-noto-cjk)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        pytest.skip("browser test skipped: the playwright package is not installed")
    return path


async def axe_violations(page: Any, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict[str, Any]]:
    """Serious and critical axe-core violations on the page as it is now."""
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run npm ci --prefix tests/browser_assets")
    await page.add_script_tag(path=str(AXE_JS))
    result = await page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in impacts
    ]
