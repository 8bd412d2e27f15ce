import logging

from litestar import get
from litestar.exceptions import HTTPException
from litestar.params import FromPath, FromQuery

from drillhub.logs import escape_controls, escape_log_records
from tests.conftest import new_client


def test_control_characters_are_escaped_and_other_text_kept():
    assert escape_controls("/a\nERROR b\r\x00\x1b[31m\u2028ü") == "/a\\nERROR b\\r\\x00\\x1b[31m\\u2028ü"


def test_every_logger_escapes_its_arguments(caplog):
    escape_log_records()
    escape_log_records()  # twice is once
    with caplog.at_level(logging.INFO):
        logging.getLogger("anything.else").info("path %s, %d", "/x\n2026-11-30 ERROR forged", 3)
        logging.getLogger("drillhub").info("%(path)s", {"path": "/y\r\nforged"})
    assert [record.getMessage() for record in caplog.records] == [
        "path /x\\n2026-11-30 ERROR forged, 3", "/y\\r\\nforged"]


async def test_a_forged_line_in_a_request_stays_in_its_log_line(settings, make_app, caplog, monkeypatch):
    monkeypatch.setattr(logging, "_logRecordFactory", logging.LogRecord)  # as before any app: create_app escapes
    @get("/boom/{thing:str}", name="boom")
    async def boom(thing: FromPath[str], q: FromQuery[str] = "") -> str:
        raise HTTPException(status_code=503, detail=f"upstream refused {q}")

    app = make_app(settings)  # configures logging anew: caplog's handler is put back below
    app.register(boom)
    logger = logging.getLogger("drillhub")
    logger.addHandler(caplog.handler)
    try:
        async with new_client(app) as client:
            assert (await client.get("/boom/x%0aERROR%20-%20forged")).status_code == 404  # never reaches a handler
            response = await client.get("/boom/x", params={"q": "a\nERROR - drillhub - forged"})
    finally:
        logger.removeHandler(caplog.handler)
    assert response.status_code == 500
    messages = [record.getMessage() for record in caplog.records if record.name == "drillhub"]
    assert messages == ["HTTP 503 on GET /boom/x: upstream refused a\\nERROR - drillhub - forged"]
