"""The yardstick: a bare Litestar app. Every figure in docs/performance.md is a ratio to this,
measured in the same run on the same machine, so the numbers travel between machines."""

from litestar import Litestar, get


@get("/")
async def hello() -> str:
    return "hello"


app = Litestar(route_handlers=[hello], openapi_config=None)
