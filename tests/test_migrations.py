"""Migrations run forwards from an empty database on both engines and match the table definitions."""

import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import asyncpg
import pytest

from drillhub.piccolo_app import APP_CONFIG
from tests.conftest import _admin_execute, database_url_for

DRILLHUB = str(Path(sys.executable).parent / "drillhub")


def run_cli(database_url: str, *args: str, input: str | None = None, **env: str) -> subprocess.CompletedProcess:
    """The installed `drillhub` command, in its own process, as an operator runs it."""
    environment = {**os.environ, "DRILLHUB_ENV": "test", "DRILLHUB_DATABASE_URL": database_url, **env}
    environment.pop("PICCOLO_CONF", None)
    return subprocess.run(
        [DRILLHUB, *args], env=environment, input=input, capture_output=True, text=True, timeout=120
    )


def expected_columns() -> dict[str, set[str]]:
    return {
        table._meta.tablename: {column._meta.db_column_name for column in table._meta.columns}
        for table in APP_CONFIG.table_classes
    }


def test_sqlite_migrates_from_empty(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    assert run_cli(url, "check").returncode == 1  # nothing applied yet
    migrated = run_cli(url, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    checked = run_cli(url, "check")
    assert checked.returncode == 0 and "migrations up to date" in checked.stdout, checked.stderr
    with sqlite3.connect(tmp_path / "fresh.sqlite3") as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        for table, columns in expected_columns().items():
            found = {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}
            assert found == columns, table
    assert run_cli(url, "migrate").returncode == 0  # a second run has nothing to do


@pytest.fixture
async def empty_postgres_url(postgres_server):
    name = f"drillhub_migrate_{uuid.uuid4().hex[:10]}"
    await _admin_execute(postgres_server, f'CREATE DATABASE "{name}"')
    yield database_url_for(postgres_server, name)
    await _admin_execute(postgres_server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def test_postgres_migrates_from_empty(empty_postgres_url):
    migrated = run_cli(empty_postgres_url, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    assert run_cli(empty_postgres_url, "check").returncode == 0
    connection = await asyncpg.connect(empty_postgres_url)
    try:
        for table, columns in expected_columns().items():
            rows = await connection.fetch(
                "SELECT column_name FROM information_schema.columns WHERE table_name = $1", table
            )
            assert {row["column_name"] for row in rows} == columns, table
    finally:
        await connection.close()


def test_a_corrective_actions_note_becomes_the_first_entry_of_its_history(tmp_path):
    """The Improvement Plan's notes moved from one overwritten field to a history (issue 16): a note
    written before keeps its text, status and time."""
    path = tmp_path / "old.sqlite3"
    env = {**os.environ, "DRILLHUB_ENV": "test", "DRILLHUB_DATABASE_URL": f"sqlite:///{path}",
           "PICCOLO_CONF": "drillhub.piccolo_conf"}
    before = subprocess.run([str(Path(DRILLHUB).parent / "piccolo"), "migrations", "forwards", "drillhub",
                             "2026-11-30T10:25:27:440304"], env=env, capture_output=True, text=True, timeout=120)
    assert before.returncode == 0, before.stderr
    with sqlite3.connect(path) as connection:
        connection.execute("INSERT INTO corrective_action (session, agency, status, notes, updated_at) VALUES "
                           "(1, 1, 'in_progress', 'Radios ordered', '2026-11-01 10:00:00+00:00')")
        connection.execute("INSERT INTO corrective_action (session, agency, status, notes, updated_at) VALUES "
                           "(1, 1, 'open', '', '2026-11-02 10:00:00+00:00')")
    assert run_cli(f"sqlite:///{path}", "migrate").returncode == 0
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT action, status, text FROM action_note").fetchall() == [
            (1, "in_progress", "Radios ordered")]
        assert "notes" not in {row[1] for row in connection.execute("PRAGMA table_info(corrective_action)")}
