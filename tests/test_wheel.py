"""The built wheel, installed as a user would, outside the checkout.

The rest of the suite runs on an editable install, which reads templates and data files
straight from the source tree; only a real wheel shows a file that package data leaves
out (the Atom template once was) or a path that depends on the working folder.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import quote

import feedparser
import pytest
from serve_support import ROOT, Server, fetch

pytestmark = pytest.mark.slow

PACKAGES = ("publisher", "channels")
# What the Dockerfile copies too: the wheel is built from these alone.
SOURCES = ("pyproject.toml", "README.md", *PACKAGES)
_BUILD_JUNK = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")


def _package_files() -> set[str]:
    found = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                found.add(path.relative_to(ROOT).as_posix())
    return found


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from a copy of the sources, so the checkout gets no build/ folder."""
    src = tmp_path_factory.mktemp("src")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=_BUILD_JUNK)
        else:
            shutil.copy2(ROOT / name, src / name)
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(out),
                           str(src)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    (built,) = out.glob("publisher-*.whl")
    return built


def test_wheel_holds_every_file_of_the_packages(wheel: Path) -> None:
    """Templates, static files, translations, migrations, the built-in configuration:
    whatever lies in the package folders is in the wheel, and nothing else is."""
    names = {n for n in zipfile.ZipFile(wheel).namelist() if ".dist-info/" not in n}
    expected = _package_files()
    assert expected - names == set(), "left out of the wheel (add the kind to package-data)"
    assert names - expected == set()
    # the kinds that were left out once, and the ones a user meets first
    for name in ("channels/portal/templates/portal/feed.atom", "publisher/default.toml",
                 "publisher/web/translations/en/LC_MESSAGES/messages.po", "publisher/store/migrations/env.py"):
        assert name in names


def test_built_in_configuration_is_config_default_toml() -> None:
    """The contract names config/default.toml; the package ships the same bytes."""
    from publisher.settings import built_in_config

    assert (ROOT / "config" / "default.toml").read_text(encoding="utf-8") == built_in_config(), (
        "config/default.toml and publisher/default.toml differ: edit publisher/default.toml, then copy it")


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel. Its dependencies (and pip) come from
    the site-packages of the Python running the tests, a venv or not, through a .pth
    file: those paths come after the venv's own, so the installed wheel wins, and .pth
    files there (an editable install's finder) are not run."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    own = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                         capture_output=True, text=True, check=True, timeout=60).stdout.strip()
    (Path(own) / "_test_parent_site.pth").write_text("\n".join(site.getsitepackages()) + "\n", encoding="utf-8")
    done = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--force-reinstall",
                           str(wheel)], capture_output=True, text=True, timeout=300, env=_outside_env())
    assert done.returncode == 0, done.stdout + done.stderr
    return venv


def _outside_env() -> dict[str, str]:
    # Nothing that points back at the checkout or at a configuration.
    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH" and not k.startswith("PUBLISHER_")}


def _run(venv: Path, cwd: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(venv / "bin" / "publisher"), *args], cwd=cwd, env=_outside_env(), input=stdin,
                          capture_output=True, text=True, timeout=120)


def test_installed_modules_come_from_the_venv(installed: Path, tmp_path: Path) -> None:
    done = subprocess.run([str(installed / "bin" / "python"), "-c",
                           "import publisher, channels; print(publisher.__file__); print(channels.__file__)"],
                          cwd=tmp_path, env=_outside_env(), capture_output=True, text=True, timeout=60, check=True)
    for line in done.stdout.split():
        assert Path(line).resolve().is_relative_to(installed.resolve()), line


def test_cli_works_from_an_empty_folder(installed: Path, tmp_path: Path) -> None:
    done = _run(installed, tmp_path, "user", "add", "clerk", "--role", "editor", "--password-stdin",
                stdin="a long enough password\n")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "var").is_dir()  # the database went under ./var/ of that folder
    done = _run(installed, tmp_path, "device", "add", "kiosk-1", "--kind", "kiosk", "--location", "hall-hr")
    assert done.returncode == 0, done.stderr
    assert "token" in done.stdout
    # --config still overrides the built-in configuration, and a missing file is named
    done = _run(installed, tmp_path, "--config", "nowhere.toml", "db", "upgrade")
    assert done.returncode != 0
    assert "nowhere.toml" in done.stderr


def test_installed_wheel_serves_every_public_page_type(installed: Path, tmp_path: Path) -> None:
    server = Server(_outside_env(), "--demo", command=[str(installed / "bin" / "publisher")], cwd=tmp_path).start()
    try:
        base = server.base

        def get(path: str, kind: str, **headers: str) -> bytes:
            status, got, body = fetch(base + path, headers=headers)
            assert status == 200, (path, status, body[:300])
            assert got["Content-Type"].startswith(kind), (path, got["Content-Type"])
            return body

        portal = get("/", "text/html").decode()
        assert "江門市人力資源和社會保障局" in portal
        notice_path = re.search(r'href="(/notices/\d+)"', portal)
        assert notice_path, "the portal lists no notice"
        notice = get(notice_path.group(1), "text/html").decode()
        assert "索引號" in notice
        for css in re.findall(r'href="(/static/[^"]+\.css)"', portal):
            assert b"{" in get(css, "text/css")
        catalog = get("/catalog/", "text/html").decode()
        assert "部門文件" in catalog and "辦事指南" in catalog
        assert "失業保險" in get("/search?q=" + quote("失業保險"), "text/html").decode()

        atom = feedparser.parse(get("/feed.atom", "application/atom+xml"))
        assert not atom.bozo and len(atom.entries) >= 5

        kiosk = get("/kiosk/kiosk-hall-hr/?token=demo-kiosk-hall-hr", "text/html").decode()
        assets = re.findall(r'(?:src|href)="(/kiosk/static/[^"]+)"', kiosk)
        assert any(a.endswith(".js") for a in assets) and any(a.endswith(".css") for a in assets), assets
        for asset in assets:
            get(asset, "text/css" if asset.endswith(".css") else "text/javascript")
        assert b"ASSETS" in get("/kiosk/kiosk-hall-hr/sw.js", "text/javascript")
        feed = json.loads(get("/kiosk/v1/kiosk-hall-hr/feed.json?token=demo-kiosk-hall-hr", "application/json"))
        assert feed["rotation"]

        led = "/led/v1/signs/led-hall-hr/{}?token=demo-led-hall-hr"
        assert get(led.format("feed.txt"), "text/plain").decode("gb2312").strip()
        assert json.loads(get(led.format("feed.json"), "application/json"))["pages"]
        get(led.format("now.txt"), "text/plain")
        assert get(led.format("version"), "text/plain").strip()
        assert get("/led/v1/signs/led-hall-pro/feed.alpha?token=demo-led-hall-pro", "application/octet-stream")

        login = get("/staff/login", "text/html").decode()
        assert "登入" in login
        # the English catalog (a .po file) ships too
        assert "Sign in" in get("/staff/login", "text/html", Cookie="publisher_lang=en").decode()
        for css in re.findall(r'href="(/staff/static/[^"]+\.css)"', login):
            get(css, "text/css")
    finally:
        output = server.stop()
    assert "Traceback" not in output, output
