"""Browser tests: Playwright drives Debian's chromium against a real `drillhub serve` with demo data.

They run in their own pytest invocation (`pytest -m browser`): Playwright's sync API and
pytest-asyncio's event loop do not share one session.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import skip_unless_ci
from tests.support import free_port, serve

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


@pytest.fixture(scope="session")
def live_database(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("live") / "drillhub.sqlite3"


@pytest.fixture(scope="session")
def live_server(live_database):
    """A real server process on a fresh SQLite file with the demo data."""
    port = free_port()
    env = {**os.environ, "DRILLHUB_ENV": "test", "DRILLHUB_PORT": str(port),
           "DRILLHUB_DATABASE_URL": f"sqlite:///{live_database}", "DRILLHUB_PUBLIC_URL": f"http://127.0.0.1:{port}"}
    for command in (["migrate"], ["demo"]):
        subprocess.run([DRILLHUB, *command], env=env, check=True, capture_output=True)
    base_url = f"http://127.0.0.1:{port}"
    server = serve(env, base_url)
    yield base_url
    server.terminate()
    server.wait(timeout=10)
