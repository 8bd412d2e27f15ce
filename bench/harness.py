"""What every benchmark here shares: servers pinned to core 0, wrk pinned to core 1, a signed-in
cookie, and the table of results as ratios to the bare Litestar app measured in the same run."""

import os
import platform
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DEMO_PASSWORD = "drillhub-demo-2026"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(database_url: str, port: int) -> dict:
    return {**os.environ, "DRILLHUB_ENV": "development", "DRILLHUB_DATABASE_URL": database_url,
            "DRILLHUB_SECRET_KEY": "bench-secret-key-that-is-long-enough-for-drillhub", "DRILLHUB_PORT": str(port)}


def demo_database(database_url: str | None, **overrides: str) -> tuple[Path, str, int, dict]:
    """A scratch folder, the database URL (a SQLite file in that folder unless one is given), a free port
    and the server's environment (with `overrides`), with the schema migrated and the demo data loaded."""
    workdir = Path(tempfile.mkdtemp(prefix="drillhub-bench-"))
    database_url = database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    port = free_port()
    env = {**environment(database_url, port), **overrides}
    for command in ("migrate", "demo"):
        subprocess.run([BIN / "drillhub", command], env=env, check=True, capture_output=True)
    return workdir, database_url, port, env


def start(command: list, env: dict, port: int, cores: str = "0") -> subprocess.Popen:
    server = subprocess.Popen(["taskset", "-c", cores, *map(str, command)], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
            return server
        except httpx.TransportError:
            time.sleep(0.05)
    server.kill()
    raise SystemExit(f"server did not start: {command}")


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait()


def cpu_seconds(pid: int) -> float:
    """CPU time used so far by a process and its descendants (uvicorn's workers)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except FileNotFoundError:
        return 0.0
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
    return own + sum(cpu_seconds(int(child)) for child in children)


def cpu_seconds_of(name: str) -> float:
    """CPU time used so far by every process of that name (PostgreSQL's, on this machine)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        if text[text.index("(") + 1:text.rindex(")")] == name:
            fields = text.rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def processes(pid: int) -> list[int]:
    """A process and its descendants (uvicorn's workers)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except FileNotFoundError:
        return []
    return [pid, *(found for child in children for found in processes(int(child)))]


def resident_kib(pid: int) -> int:
    """Resident memory of a process and its descendants, in KiB."""
    total = 0
    for each in processes(pid):
        for line in Path(f"/proc/{each}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


def wrk(url: str, seconds: int, connections: int, cookie: str = "", script: str = "", cores: str = "1") -> dict:
    command = ["taskset", "-c", cores, "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    if script:
        command += ["-s", script]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)

    def percentile(p: str) -> float:
        value, unit = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), "p50": percentile("50"),
            "p99": percentile("99"), "errors": (int(non_2xx.group(1)) if non_2xx else 0)
            + (sum(map(int, socket_errors.groups())) if socket_errors else 0)}


def baseline(seconds: int, connections: int, env: dict, workers: int = 1, cores: str = "0",
             client_cores: str = "1") -> dict:
    port = free_port()
    bare = start([BIN / "uvicorn", "--app-dir", ROOT / "bench", "bare_app:app", "--port", port, "--workers", workers,
                  "--no-access-log", "--log-level", "warning"], env, port, cores)
    try:
        return wrk(f"http://127.0.0.1:{port}/", seconds, connections, cores=client_cores)
    finally:
        stop(bare)


def csrf_token_in(page: str) -> str:
    """The CSRF token a page gives its forms (bound to the session: it changes at sign-in)."""
    return re.search(r'name="_csrf_token" value="([0-9a-f]+)"', page).group(1)


def signed_in(base_url: str, email: str) -> tuple[str, str]:
    """The Cookie header of a fresh sign-in, and its CSRF token (for POSTs)."""
    with httpx.Client(base_url=base_url) as client:
        token = csrf_token_in(client.get("/sign-in").text)
        client.post("/sign-in", data={"email": email, "password": DEMO_PASSWORD, "_csrf_token": token})
        token = csrf_token_in(client.get("/").text)
        return "; ".join(f"{name}={value}" for name, value in client.cookies.items()), token


def engine_label(database_url: str) -> str:
    return "PostgreSQL" if database_url.startswith("postgres") else "SQLite (WAL)"


def report(rows: list[tuple[str, dict]], bare: dict, setting: str) -> None:
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores; Python {platform.python_version()}; {setting}\n")
    print("| request | req/s | ratio to bare | p50 ms | p99 ms | errors |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, result in [("bare Litestar `GET /` (yardstick)", bare), *rows]:
        print(f"| {label} | {result['rps']:.0f} | {result['rps'] / bare['rps']:.3f} | {result['p50']:.1f} | "
              f"{result['p99']:.1f} | {result['errors']} |")
