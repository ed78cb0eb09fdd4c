"""Browser tests: playwright driving Debian's chromium (never `playwright install`),
axe-core injected into the page for accessibility checks, and screenshots on request.

axe-core comes from the PyPI package axe-playwright-python (the `test` extra), which
ships axe.min.js; only that file is used, injected as a script tag.
"""

from __future__ import annotations

import os
import shutil
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"]
# Screenshots are written only when this names a folder, e.g. PUBLISHER_TEST_SCREENSHOTS=docs
# to refresh the images the README shows; by default a test renders them and keeps nothing.
SCREENSHOTS_ENV = "PUBLISHER_TEST_SCREENSHOTS"


def axe_js() -> Path:
    try:
        found = resources.files("axe_playwright_python").joinpath("axe.min.js")
    except ModuleNotFoundError:
        pytest.fail("axe-core is missing: pip install -e '.[test]' (it comes with axe-playwright-python)")
    return Path(str(found))


async def screenshot(page: Any, name: str, **options: Any) -> bytes:
    """Take a screenshot; write it to $PUBLISHER_TEST_SCREENSHOTS/name only when asked."""
    folder = os.environ.get(SCREENSHOTS_ENV)
    if not folder:
        return await page.screenshot(**options)
    Path(folder).mkdir(parents=True, exist_ok=True)
    return await page.screenshot(path=str(Path(folder) / name), **options)


def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.skip("browser test skipped: Debian's chromium is not installed (scripts/setup-browser installs it)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        pytest.skip("browser test skipped: the playwright package is not installed")
    return path


async def axe_violations(page: Any, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict[str, Any]]:
    """Serious and critical axe-core violations on the page as it is now."""
    await page.add_script_tag(path=str(axe_js()))
    result = await page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in impacts
    ]
