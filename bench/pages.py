"""Throughput and latency of drillhub's pages against a bare Litestar app, with wrk.

    python bench/pages.py [--seconds 10] [--connections 16] [--database-url URL]

Needs Debian's wrk. Each server runs alone with one worker on core 0; wrk runs on core 1. Without
--database-url it builds a fresh SQLite file with the demo data; with a PostgreSQL URL it uses that
(empty) database. Prints a Markdown table for docs/performance.md.
"""

import argparse
import shutil

from harness import BIN, baseline, demo_database, engine_label, report, signed_in, start, stop, wrk


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")
    workdir, database_url, port, env = demo_database(args.database_url)
    bare = baseline(args.seconds, args.connections, env)
    server = start([BIN / "drillhub", "serve", "--workers", "1"], env, port)
    base = f"http://127.0.0.1:{port}"
    try:
        cookie, _ = signed_in(base, "admin@demo.drillhub.test")
        rows = [(label, wrk(f"{base}{path}", args.seconds, args.connections, cookie if signed else ""))
                for label, path, signed in [
                    ("`GET /healthz` (one database round trip)", "/healthz", False),
                    ("`GET /sign-in` (anonymous page)", "/sign-in", False),
                    ("`GET /` dashboard, signed in", "/", True),
                    ("`GET /admin/people` first page of 25, signed in", "/admin/people", True),
                    ("`GET /admin/audit` first page, signed in", "/admin/audit", True),
                ]]
    finally:
        stop(server)
        shutil.rmtree(workdir, ignore_errors=True)
    engine = engine_label(database_url)
    report(rows, bare, f"{engine}; 1 uvicorn worker on core 0, wrk -c{args.connections} on core 1, "
                       f"{args.seconds} s each")


if __name__ == "__main__":
    main()
