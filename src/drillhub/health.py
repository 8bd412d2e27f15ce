import os

from litestar import Response, get

from drillhub import live
from drillhub.db import current_engine, database_ok


@get("/healthz", name="health", cache=False)
async def healthz() -> Response:
    """For load balancers: 200 while the database answers, 503 when it does not; and for operators, the
    live-update streams the answering worker process holds."""
    ok = await database_ok(current_engine())
    return Response(
        {"status": "ok" if ok else "unavailable", "database": "ok" if ok else "unavailable",
         "process": os.getpid(), "streams": live.streams_held()},
        status_code=200 if ok else 503,
    )
