"""Running `publisher` as a real subprocess for end-to-end tests."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "demo password 1"


def clean_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUBLISHER_")}
    env.update(
        PUBLISHER_DATABASE__URL=f"sqlite+aiosqlite:///{tmp_path / 'p.db'}",
        PUBLISHER_DATA_DIR=str(tmp_path / "var"),
        PUBLISHER_CONFIG=str(ROOT / "config" / "default.toml"),
    )
    return env


def cli(env: dict[str, str], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "publisher.cli", *args], input=stdin, capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=60)


def device_token(output: str) -> str:
    return output.split("token (shown once, keep it): ")[1].split()[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str, data: Any = None, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    body = json.dumps(data).encode() if data is not None else None
    req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


class Server:
    """`publisher serve` on a free port; start() waits for /healthz."""

    def __init__(self, env: dict[str, str], *args: str, port: int | None = None,
                 command: list[str] | None = None, cwd: Path = ROOT) -> None:
        self.env = env
        self.args = args
        self.command = command or [sys.executable, "-m", "publisher.cli"]
        self.cwd = cwd
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[str] | None = None

    def start(self) -> Server:
        cmd = [*self.command, "serve", "--port", str(self.port), *self.args]
        self.proc = subprocess.Popen(cmd, env=self.env, cwd=self.cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if fetch(self.base + "/healthz")[0] == 200:
                    return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("server did not start")

    def stop(self) -> str:
        if self.proc is None:
            return ""
        self.proc.terminate()
        output = self.proc.communicate(timeout=20)[0]
        self.proc = None
        return output

    def login(self, name: str, password: str = PASSWORD) -> dict[str, str]:
        status, _, body = fetch(self.base + "/api/v1/auth/login", {"username": name, "password": password})
        assert status == 200, body
        return {"Authorization": "Bearer " + json.loads(body)["token"]}
