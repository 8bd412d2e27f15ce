"""Throughput and latency of drillhub's pages against a bare Litestar app, with wrk.

    python bench/pages.py [--seconds 10] [--connections 16] [--database-url URL]

Needs Debian's wrk (apt-get install wrk). Starts each server in turn on core 0 (taskset) with one
worker and drives it with wrk pinned to core 1, so the two do not fight for a core. Without
--database-url it builds a fresh SQLite file with the demo data; with a PostgreSQL URL it uses that
database (migrated, demo data loaded). Prints a Markdown table for docs/performance.md.
"""

import argparse
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DEMO = ("admin@demo.drillhub.test", "drillhub-demo-2026")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(command: list[str], env: dict, port: int) -> subprocess.Popen:
    server = subprocess.Popen(["taskset", "-c", "0", *command], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
            return server
        except httpx.TransportError:
            time.sleep(0.05)
    server.kill()
    raise SystemExit(f"server did not start: {command}")


def wrk(url: str, seconds: int, connections: int, cookie: str = "") -> dict:
    command = ["taskset", "-c", "1", "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if cookie:
        command[5:5] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = sum(int(n) for n in re.findall(r"(?:Non-2xx or 3xx responses|connect|read|write|timeout) (\d+)", out))

    def percentile(p: str) -> float:
        value, unit = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    return {"rps": rps, "p50": percentile("50"), "p99": percentile("99"), "errors": errors}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")

    workdir = Path(tempfile.mkdtemp(prefix="drillhub-bench-"))
    database_url = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    port = free_port()
    env = {**os.environ, "DRILLHUB_ENV": "development", "DRILLHUB_DATABASE_URL": database_url,
           "DRILLHUB_SECRET_KEY": "bench-secret-key-that-is-long-enough-for-drillhub", "DRILLHUB_PORT": str(port)}
    for command in ("migrate", "demo"):
        subprocess.run([BIN / "drillhub", command], env=env, check=True, capture_output=True)

    rows = []
    bare_port = free_port()
    bare = start([BIN / "uvicorn", "--app-dir", str(ROOT / "bench"), "bare_app:app", "--port", str(bare_port),
                  "--no-access-log", "--log-level", "warning"], env, bare_port)
    try:
        baseline = wrk(f"http://127.0.0.1:{bare_port}/", args.seconds, args.connections)
    finally:
        bare.terminate()
        bare.wait()
    rows.append(("bare Litestar `GET /` (yardstick)", baseline))

    server = start([BIN / "drillhub", "serve", "--workers", "1"], env, port)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            client.get("/sign-in")
            token = client.cookies["drillhub-csrf"]
            client.post("/sign-in", data={"email": DEMO[0], "password": DEMO[1], "_csrf_token": token})
            cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
        for label, path, with_cookie in [
            ("`GET /healthz` (one database round trip)", "/healthz", False),
            ("`GET /sign-in` (anonymous page)", "/sign-in", False),
            ("`GET /` dashboard, signed in", "/", True),
            ("`GET /admin/people` first page of 25, signed in", "/admin/people", True),
            ("`GET /admin/audit` first page, signed in", "/admin/audit", True),
        ]:
            rows.append((label, wrk(f"http://127.0.0.1:{port}{path}", args.seconds, args.connections,
                                    cookie if with_cookie else "")))
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(workdir, ignore_errors=True)

    engine = "PostgreSQL" if database_url.startswith("postgres") else "SQLite (WAL)"
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, {platform.processor() or platform.platform()}; "
          f"Python {platform.python_version()}; {engine}; 1 uvicorn worker on core 0, wrk -c{args.connections} "
          f"on core 1, {args.seconds} s each\n")
    print("| request | req/s | ratio to bare | p50 ms | p99 ms | errors |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, result in rows:
        print(f"| {label} | {result['rps']:.0f} | {result['rps'] / baseline['rps']:.3f} | "
              f"{result['p50']:.1f} | {result['p99']:.1f} | {result['errors']} |")


if __name__ == "__main__":
    main()
