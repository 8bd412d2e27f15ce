import os

import pytest


async def test_healthz_reports_the_database(client):
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "process": os.getpid(), "streams": 0}


@pytest.mark.filterwarnings("ignore:.*Unable to connect to database")
async def test_healthz_is_503_when_the_database_does_not_answer(make_app):
    from drillhub.settings import Settings
    from tests.conftest import new_client

    unreachable = Settings(env="test", database_url="postgresql://nobody:nothing@127.0.0.1:9/none",
                           secret_key="x" * 40)
    async with new_client(make_app(unreachable)) as client:
        response = await client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unavailable", "process": os.getpid(), "streams": 0}
