"""Issue 9: schemathesis over the whole staff API (as editor, reviewer and admin, stateful
links included) against `publisher serve --demo` started here: no answer is a 5xx.

Bounded (a few examples per operation) so that it runs in a couple of minutes.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest
from serve_support import Server, clean_env

from publisher.demo import PASSWORD

pytestmark = pytest.mark.slow  # starts `publisher serve` and schemathesis as processes


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = Server(clean_env(tmp_path_factory.mktemp("st")), "--demo").start()
    # Signed in before any run: schemathesis's bad sign-ins get this address throttled.
    srv.tokens = {user: srv.login(user, PASSWORD)["Authorization"] for user in ("editor", "reviewer", "admin")}
    yield srv
    srv.stop()


@pytest.mark.parametrize("user", ["editor", "reviewer", "admin"])
def test_no_server_errors_on_the_staff_api(server, user, tmp_path) -> None:
    st = shutil.which("st") or pytest.skip("schemathesis is not installed (pip install .[test])")
    auth = server.tokens[user]
    result = subprocess.run(
        [st, "run", f"{server.base}/api/v1/openapi.json", "--checks", "not_a_server_error",
         "-H", f"Authorization: {auth}", "--max-examples", "8", "--phases", "examples,coverage,fuzzing,stateful",
         "--workers", "1", "--exclude-path", "/api/v1/auth/logout", "--generation-deterministic",
         "--request-timeout", "20", "--no-color"],
        capture_output=True, text=True, timeout=600, cwd=tmp_path)  # its cache stays out of the checkout
    assert result.returncode == 0, result.stdout[-6000:]
