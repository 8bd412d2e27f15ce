import json
import os
import subprocess
import time

import httpx
import pytest

from drillhub.settings import PROJECT_ROOT
from tests.conftest import skip_unless_ci
from tests.support import free_port

RALPH_BIN = PROJECT_ROOT / ".venv-lrs" / "bin"  # `make test` installs openfun's LRS there, apart from drillhub's
LRS_KEY, LRS_SECRET = "drillhub", "lrs-secret-for-the-tests"
VALIDATE = """
import json, sys
from ralph.models.xapi.base.statements import BaseXapiStatement
problems = []
for statement in json.load(sys.stdin):
    try:
        BaseXapiStatement(**statement)
    except Exception as error:
        problems.append(f"{statement.get('id')}: {error}")
print(json.dumps(problems))
"""


# ralph's file store writes its one file once (operation CREATE) and answers 500 to every later batch: it is
# meant for trying ralph out. Told to append, it keeps every batch, and everything else is ralph's own: its
# API, its deduplication by statement id, its statement models.
SERVE = """
import sys
import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend
FSLRSBackend.default_operation_type = BaseOperationType.APPEND
uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


class Ralph:
    """openfun's LRS (ralph-malph) on 127.0.0.1, with a file store that outlives a stop and a start."""

    def __init__(self, folder) -> None:
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}/xAPI/"
        self.env = {**os.environ, "RALPH_APP_DIR": str(folder / "app"), "RALPH_AUTH_FILE": str(folder / "auth.json"),
                    "RALPH_RUNSERVER_BACKEND": "fs", "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(folder / "data")}
        subprocess.run([RALPH_BIN / "ralph", "auth", "-u", LRS_KEY, "-p", LRS_SECRET, "-s", "all",
                        "-M", "mailto:lrs@example.org", "-w"], env=self.env, check=True, capture_output=True)
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen([RALPH_BIN / "python", "-c", SERVE, str(self.port)], env=self.env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(150):
            try:
                if httpx.get(f"{self.endpoint}statements", auth=(LRS_KEY, LRS_SECRET),
                             headers={"X-Experience-API-Version": "1.0.3"}).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("ralph did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)

    def statements(self) -> list[dict]:
        """Everything the LRS holds, page after page."""
        found, url = [], f"{self.endpoint}statements?limit=500"
        while url:
            page = httpx.get(url, auth=(LRS_KEY, LRS_SECRET), headers={"X-Experience-API-Version": "1.0.3"}).json()
            found += page["statements"]
            url = f"http://127.0.0.1:{self.port}{page['more']}" if page.get("more") else ""
        return found

    def problems(self, statements: list[dict]) -> list[str]:
        """What ralph's own pydantic models find wrong with the statements."""
        checked = subprocess.run([RALPH_BIN / "python", "-c", VALIDATE], input=json.dumps(statements), text=True,
                                 capture_output=True, check=True)
        return json.loads(checked.stdout)


@pytest.fixture
def ralph(tmp_path):
    if not (RALPH_BIN / "uvicorn").exists():
        skip_unless_ci("ralph-malph (openfun's LRS) is not installed in .venv-lrs: `make test` installs it")
    lrs = Ralph(tmp_path)
    lrs.start()
    yield lrs
    if lrs.process.poll() is None:
        lrs.stop()
