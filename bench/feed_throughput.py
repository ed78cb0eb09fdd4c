"""Kiosk feed throughput: the service vs a bare aiohttp app serving the same bytes.

Starts `publisher serve --demo` on a throw-away database and a bare aiohttp app that
answers the same kiosk feed bytes (same headers, same If-None-Match handling), then
loads both on loopback in the same run, for 200 responses and for 304 responses. Uses
wrk when installed (Debian package `wrk`), else an aiohttp client loop. Prints
requests per second and the ratio service / bare (the design's goal: >= 0.9), and the
server's CPU time per request (from /proc), which other load on the machine disturbs
far less than requests per second do.

    python bench/feed_throughput.py [--seconds 8] [--connections 32] [--rounds 2]

With --nginx (the rows at the end of this file): nginx with the shipped configuration
(deploy/nginx, TLS, the 1 s microcache) in front of the service, against the same nginx
serving the same bytes as a static file over TLS (goal: >= 0.9), for the kiosk feed and
the LED feed, 200 and 304 (a poll with If-None-Match), all from the microcache. The
static file lies at the feed's own path, so both answer the very same request. Besides
requests per second it prints the nginx worker's CPU time per request.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEVICE = "kiosk-hall-hr"
TOKEN = "demo-kiosk-hall-hr"

BARE_APP = textwrap.dedent(
    """
    import sys
    from aiohttp import web

    body = open(sys.argv[1], "rb").read()
    etag = sys.argv[2]

    async def feed(request):
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag, "Cache-Control": "no-cache"})
        return web.Response(body=body, headers={"ETag": etag, "Cache-Control": "no-cache",
                                                "Content-Type": "application/json; charset=utf-8"})

    app = web.Application()
    app.router.add_get("/kiosk/v1/{device_id}/feed.json", feed)
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[3]), access_log=None, print=None)
    """
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"not up: {url}")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def wrk(url: str, seconds: int, connections: int, etag: str | None) -> tuple[float, int]:
    args = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", url]
    if etag:
        args[1:1] = ["-H", f"If-None-Match: {etag}"]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    codes = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if codes and not etag:
        raise SystemExit(f"unexpected statuses from {url}:\n{out}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    return rps, int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]


async def client_loop(url: str, seconds: int, connections: int, etag: str | None) -> tuple[float, int]:
    import aiohttp

    headers = {"If-None-Match": etag} if etag else {}
    done = 0
    stop = time.monotonic() + seconds

    async def worker(session: aiohttp.ClientSession) -> None:
        nonlocal done
        while time.monotonic() < stop:
            async with session.get(url, headers=headers) as resp:
                await resp.read()
                assert resp.status == (304 if etag else 200), resp.status
                done += 1

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=connections)) as session:
        started = time.monotonic()
        await asyncio.gather(*(worker(session) for _ in range(connections)))
        return done / (time.monotonic() - started), done


def load(url: str, seconds: int, connections: int, etag: str | None) -> tuple[float, int]:
    if shutil.which("wrk"):
        return wrk(url, seconds, connections, etag)
    return asyncio.run(client_loop(url, seconds, connections, etag))


GOAL_DIRECT = 0.95  # issue 14 item 4: the direct service against the bare aiohttp app


def compare(urls: dict[str, str], pids: dict[str, int], etag: str,
            args: argparse.Namespace) -> dict[tuple[str, str], tuple[float, float]]:
    """Load every URL in alternating rounds, for 200 and for 304 answers: (kind, name) ->
    (best requests/s, least server CPU us per request). `pids` names the process whose
    CPU is read for each URL. Other pairs (e.g. through nginx against nginx serving a
    static file) are measured with the same function and printed with `print_rows`."""
    results: dict[tuple[str, str], float] = {}
    cpu: dict[tuple[str, str], float] = {}
    for kind, tag in (("200", None), ("304", etag)):
        for url in urls.values():
            load(url, 2, args.connections, tag)  # warm-up
        for _ in range(args.rounds):
            for target, url in urls.items():
                before = cpu_seconds(pids[target])
                rps, count = load(url, args.seconds, args.connections, tag)
                per_request = (cpu_seconds(pids[target]) - before) / count * 1e6
                results[(kind, target)] = max(results.get((kind, target), 0.0), rps)
                if args.verbose:
                    print(f"  {kind} {target:<8} {rps:>8.0f} req/s {per_request:>6.1f} us/req")
                cpu[(kind, target)] = min(cpu.get((kind, target), float("inf")), per_request)
    return {key: (results[key], cpu[key]) for key in results}


def print_rows(title: str, rows: dict[tuple[str, str], tuple[float, float]], base: str, measured: str,
               goal: float) -> None:
    print(f"{title} (goal: ratio >= {goal})")
    print(f"{'responses':<10}{base + ' req/s':>14}{measured + ' req/s':>17}{'ratio':>7}"
          f"{base + ' CPU us/req':>19}{measured + ' CPU us/req':>22}{'ratio':>7}")
    for kind in ("200", "304"):
        (b, cb), (s, cs) = rows[(kind, base)], rows[(kind, measured)]
        print(f"{kind:<10}{b:>14.0f}{s:>17.0f}{s / b:>7.2f}{cb:>19.1f}{cs:>22.1f}{cb / cs:>7.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds; the best of each is kept")
    parser.add_argument("--verbose", action="store_true", help="print every round")
    parser.add_argument("--nginx", action="store_true",
                        help="the nginx rows instead: the shipped configuration vs nginx serving a static file")
    args = parser.parse_args()
    if args.nginx:
        nginx_rows(args)
        return

    tmp = Path(tempfile.mkdtemp(prefix="publisher-bench-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUBLISHER_")}
    env.update(PUBLISHER_DATABASE__URL=f"sqlite+aiosqlite:///{tmp / 'bench.db'}", PUBLISHER_DATA_DIR=str(tmp),
               PUBLISHER_LOG_FORMAT="json")
    service_port, bare_port = free_port(), free_port()
    procs = [subprocess.Popen([sys.executable, "-m", "publisher.cli", "serve", "--demo", "--port", str(service_port)],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        service = f"http://127.0.0.1:{service_port}/kiosk/v1/{DEVICE}/feed.json?token={TOKEN}"
        wait_up(service)
        with urllib.request.urlopen(service) as resp:
            body, etag = resp.read(), resp.headers["ETag"]
        (tmp / "feed.json").write_bytes(body)
        (tmp / "bare.py").write_text(BARE_APP)
        bare_cmd = [sys.executable, str(tmp / "bare.py"), str(tmp / "feed.json"), etag, str(bare_port)]
        procs.append(subprocess.Popen(bare_cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        bare = f"http://127.0.0.1:{bare_port}/kiosk/v1/{DEVICE}/feed.json?token={TOKEN}"
        wait_up(bare)
        tool = "wrk" if shutil.which("wrk") else "aiohttp client loop"
        print(f"feed: {len(body)} bytes, ETag {etag}; load: {tool}, {args.connections} connections, "
              f"{args.seconds} s per run, best of {args.rounds} alternating rounds")
        pids = {"service": procs[0].pid, "bare": procs[1].pid}
        rows = compare({"bare": bare, "service": service}, pids, etag, args)
        print_rows("direct service vs bare aiohttp", rows, "bare", "service", GOAL_DIRECT)
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=20)
        shutil.rmtree(tmp, ignore_errors=True)



# -- the nginx rows (--nginx) ------------------------------------------------------------
LED = "led-hall-hr"
LED_TOKEN = "demo-led-hall-hr"

STATIC_SERVER = """
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate {cert};
        ssl_certificate_key {key};
        ssl_protocols TLSv1.2 TLSv1.3;
        # Logged like the service's server block, so that both pay the same for it.
        access_log {log} publisher_safe buffer=64k flush=1s;
        root {root};
        location / {{ add_header Cache-Control no-cache; }}
    }}
"""


def _fetch_tls(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    import ssl

    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # our own throw-away CA; only the bytes matter here
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, context=context, timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def nginx_rows(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(ROOT / "deploy"))
    from nginx_local import LocalNginx

    if not shutil.which("wrk"):
        raise SystemExit("the nginx rows need wrk (Debian package wrk), which speaks TLS")
    tmp = Path(tempfile.mkdtemp(prefix="publisher-bench-nginx-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUBLISHER_")}
    env.update(PUBLISHER_DATABASE__URL=f"sqlite+aiosqlite:///{tmp / 'bench.db'}", PUBLISHER_DATA_DIR=str(tmp),
               PUBLISHER_LOG_FORMAT="json", PUBLISHER_SERVER__TRUSTED_PROXIES='["127.0.0.1/32"]')
    service_port, static_port = free_port(), free_port()
    service = subprocess.Popen([sys.executable, "-m", "publisher.cli", "serve", "--demo", "--port", str(service_port)],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    nginx = None
    try:
        direct = f"http://127.0.0.1:{service_port}"
        wait_up(f"{direct}/healthz")
        subprocess.run(["bash", str(ROOT / "deploy" / "make-hall-ca"), str(tmp / "tls"), "127.0.0.1"], check=True,
                       capture_output=True)
        static = tmp / "static"
        paths = {"kiosk": f"/kiosk/v1/{DEVICE}/feed.json?token={TOKEN}",
                 "led": f"/led/v1/signs/{LED}/feed.txt?token={LED_TOKEN}"}
        for path in paths.values():  # the same bytes at the same path: the same request for both
            file = static / path.split("?", 1)[0].lstrip("/")
            file.parent.mkdir(parents=True, exist_ok=True)
            with urllib.request.urlopen(direct + path) as resp:
                file.write_bytes(resp.read())
        cert, key = tmp / "tls" / "server.crt", tmp / "tls" / "server.key"
        nginx = LocalNginx(tmp / "nginx", [f"127.0.0.1:{service_port}"], cert, key,
                           extra_http=STATIC_SERVER.format(port=static_port, cert=cert, key=key, root=static,
                                                                   log=tmp / 'static.access.log')).start()
        static_base = f"https://127.0.0.1:{static_port}"
        rows = []
        for kind, path in paths.items():
            proxied = nginx.base + path
            plain = static_base + path
            status, headers, body = _fetch_tls(proxied)
            s_status, s_headers, s_body = _fetch_tls(plain)
            assert status == s_status == 200 and body == s_body, (kind, status, s_status)
            rows.append((f"{kind} 200", proxied, plain, None, None))
            rows.append((f"{kind} 304", proxied, plain, headers["ETag"], s_headers["ETag"]))
        print(f"nginx {subprocess.run(['nginx', '-v'], capture_output=True, text=True).stderr.strip()}, 1 worker, "
              f"TLS; load: wrk, {args.connections} connections, {args.seconds} s per run, "
              f"best of {args.rounds} alternating rounds")
        worker = nginx.worker_pid()
        print(f"{'responses':<12}{'static req/s':>14}{'via nginx req/s':>17}{'ratio':>7}"
              f"{'static CPU us/req':>19}{'nginx CPU us/req':>18}{'ratio':>7}")
        for label, proxied, plain, tag, static_tag in rows:
            wrk(proxied, 2, args.connections, tag)  # warm-up (fills the microcache)
            wrk(plain, 2, args.connections, static_tag)
            best = {"static": 0.0, "nginx": 0.0}
            cpu = {"static": float("inf"), "nginx": float("inf")}
            for _ in range(args.rounds):
                for target, url, etag in (("static", plain, static_tag), ("nginx", proxied, tag)):
                    before = cpu_seconds(worker)
                    rps, count = wrk(url, args.seconds, args.connections, etag)
                    best[target] = max(best[target], rps)
                    cpu[target] = min(cpu[target], (cpu_seconds(worker) - before) / count * 1e6)
                    if args.verbose:
                        print(f"  {label} {target:<7} {rps:>8.0f} req/s")
            print(f"{label:<12}{best['static']:>14.0f}{best['nginx']:>17.0f}{best['nginx'] / best['static']:>7.2f}"
                  f"{cpu['static']:>19.2f}{cpu['nginx']:>18.2f}{cpu['static'] / cpu['nginx']:>7.2f}")
    finally:
        if nginx is not None:
            nginx.stop()
        service.terminate()
        service.wait(timeout=20)
        shutil.rmtree(tmp, ignore_errors=True)

if __name__ == "__main__":
    main()
