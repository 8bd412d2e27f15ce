"""Browser tests: Playwright drives Debian's chromium against a real `drillhub serve` with demo data.

They run in their own pytest invocation (`pytest -m browser`): Playwright's sync API and
pytest-asyncio's event loop do not share one session.
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import skip_unless_ci

CHROMIUM = Path("/usr/bin/chromium")
DRILLHUB = str(Path(sys.executable).parent / "drillhub")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        skip_unless_ci("Debian's chromium is not installed (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"],
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """A real server process on a fresh SQLite file with the demo data."""
    port = _free_port()
    env = {**os.environ, "DRILLHUB_ENV": "test", "DRILLHUB_PORT": str(port),
           "DRILLHUB_DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('live') / 'drillhub.sqlite3'}"}
    for command in (["migrate"], ["demo"]):
        subprocess.run([DRILLHUB, *command], env=env, check=True, capture_output=True)
    server = subprocess.Popen([DRILLHUB, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base_url}/healthz").status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.1)
    else:
        server.kill()
        pytest.fail(f"drillhub serve did not start: {server.stderr.read().decode()[-2000:]}")
    yield base_url
    server.terminate()
    server.wait(timeout=10)
