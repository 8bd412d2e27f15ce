"""Kill the server in the middle of a run (SIGKILL: no shutdown at all), start it again, carry on."""

import os
import subprocess
import sys
from pathlib import Path

import httpx

from tests.support import free_port, serve, token_in

DRILLHUB = str(Path(sys.executable).parent / "drillhub")


def test_a_run_survives_the_server_being_killed(tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DRILLHUB_ENV": "test", "DRILLHUB_PORT": str(port),
           "DRILLHUB_DATABASE_URL": f"sqlite:///{tmp_path / 'drillhub.sqlite3'}"}
    for command in (["migrate"], ["demo"]):
        subprocess.run([DRILLHUB, *command], env=env, check=True, capture_output=True)
    server = serve(env, base)
    try:
        with httpx.Client(base_url=base) as client:
            client.post("/sign-in", data={"email": "officer@demo.drillhub.test", "password": "drillhub-demo-2026",
                                          "_csrf_token": token_in(client.get("/sign-in").text)})
            token = token_in(client.get("/").text)  # bound to the session the sign-in opened
            started = client.post("/exercises/start", data={"scenario": "school-active-threat", "role": "patrol",
                                                            "_csrf_token": token})
            run_path = started.headers["location"]
            client.post(f"{run_path}/decide", data={"step": "0", "role": "patrol", "choice": "enter-now",
                                                    "rationale": "Before the crash", "_csrf_token": token})
            assert "Contact team inside" in client.get(run_path).text

            server.kill()  # SIGKILL mid-run
            server.wait()
            server = serve(env, base)

            page = client.get(run_path)  # the same browser session: it lives in the database
            assert page.status_code == 200 and "Contact team inside" in page.text
            client.post(f"{run_path}/decide", data={"step": "1", "role": "patrol", "choice": "move-to-threat",
                                                    "rationale": "After the restart", "_csrf_token": token})
            assert "Threat stopped" in client.get(run_path).text
    finally:
        server.kill()
        server.wait()
