"""nginx with the shipped configuration (deploy/nginx/publisher.conf.template) in a
folder of its own, run as the current user: for the tests, the benchmark, and a try-out
on one machine. Everything nginx writes (pid, logs, cache, temp files) stays in that
folder.

    from nginx_local import LocalNginx
    with LocalNginx(folder, upstreams=["127.0.0.1:8081", "127.0.0.1:8082"], cert=..., key=...) as nginx:
        nginx.base  # https://127.0.0.1:<port>
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import time
from importlib.machinery import SourceFileLoader
from pathlib import Path
from types import TracebackType

DEPLOY = Path(__file__).resolve().parent


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx")
                                          if os.access(p, os.X_OK)), None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _renderer():  # type: ignore[no-untyped-def]
    loader = SourceFileLoader("render_nginx", str(DEPLOY / "render-nginx"))
    spec = importlib.util.spec_from_loader("render_nginx", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


MAIN = """\
worker_processes {workers};
{user}
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {dir}/tmp/client;
    proxy_temp_path {dir}/tmp/proxy;
    fastcgi_temp_path {dir}/tmp/fastcgi;
    uwsgi_temp_path {dir}/tmp/uwsgi;
    scgi_temp_path {dir}/tmp/scgi;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    include {dir}/publisher.conf;
{extra}
}}
"""


class LocalNginx:
    def __init__(self, folder: Path, upstreams: list[str], cert: Path, key: Path, workers: int = 1,
                 extra_http: str = "") -> None:
        self.dir = Path(folder)
        self.upstreams = upstreams
        self.cert, self.key = cert, key
        self.workers = workers
        self.extra_http = extra_http
        self.https_port = _free_port()
        self.http_port = _free_port()
        self.base = f"https://127.0.0.1:{self.https_port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def write_config(self) -> Path:
        (self.dir / "tmp").mkdir(parents=True, exist_ok=True)
        values = {
            "PUBLISHER_SERVER_NAME": "127.0.0.1 localhost",
            "PUBLISHER_UPSTREAM_SERVERS": " ".join(f"server {u};" for u in self.upstreams),
            "PUBLISHER_HTTP_PORT": f"127.0.0.1:{self.http_port}",
            "PUBLISHER_HTTPS_PORT": f"127.0.0.1:{self.https_port}",
            "PUBLISHER_TLS_CERT": str(self.cert),
            "PUBLISHER_TLS_KEY": str(self.key),
            "PUBLISHER_CACHE_DIR": str(self.dir / "cache"),
            "PUBLISHER_ACCESS_LOG": str(self.dir / "access.log"),
        }
        text = _renderer().render((DEPLOY / "nginx" / "publisher.conf.template").read_text(), values)
        (self.dir / "publisher.conf").write_text(text)
        main = self.dir / "nginx.conf"
        user = "user root;" if os.geteuid() == 0 else ""  # as root, workers would switch to nobody
        main.write_text(MAIN.format(workers=self.workers, user=user, dir=self.dir, extra=self.extra_http))
        return main

    def start(self) -> LocalNginx:
        binary = nginx_binary()
        if binary is None:
            raise RuntimeError("nginx is not installed (Debian package nginx)")
        main = self.write_config()
        check = subprocess.run([binary, "-t", "-c", str(main), "-p", str(self.dir)], capture_output=True, text=True)
        if check.returncode != 0:
            raise RuntimeError(f"nginx -t failed:\n{check.stderr}")
        self.proc = subprocess.Popen([binary, "-c", str(main), "-p", str(self.dir), "-g", "daemon off;"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.https_port)) == 0:
                    return self
            if self.proc.poll() is not None:
                raise RuntimeError(f"nginx stopped: {self.error_log()}")
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("nginx did not start listening")

    def worker_pid(self) -> int:
        """The first worker's process id (for reading its CPU time)."""
        master = int((self.dir / "nginx.pid").read_text())
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        return int(children[0])

    def error_log(self) -> str:
        path = self.dir / "error.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
            self.proc = None

    def __enter__(self) -> LocalNginx:
        return self.start()

    def __exit__(self, *_exc: tuple[type[BaseException] | None, BaseException | None, TracebackType | None]) -> None:
        self.stop()
