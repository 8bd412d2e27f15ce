"""The database engine: SQLite by default, PostgreSQL when DRILLHUB_DATABASE_URL names one."""

import asyncio
from datetime import UTC, datetime, timedelta
import os
import sqlite3
from contextlib import asynccontextmanager
import warnings
from pathlib import Path

import asyncpg

from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType

# Piccolo's migration runner finds the engine through this module.
os.environ.setdefault("PICCOLO_CONF", "drillhub.piccolo_conf")
# On SQLite Piccolo runs ILIKE as LIKE, which already ignores case (for ASCII): nothing to warn about.
warnings.filterwarnings("ignore", message=".*SQLite doesn't support ILIKE")

SQLITE_BUSY_TIMEOUT_SECONDS = 10
SQLITE_IDLE_CONNECTIONS = 8

_engine: Engine | None = None


class PooledSQLiteEngine(SQLiteEngine):
    """Piccolo's SQLiteEngine opens a new connection, and with it a new thread, for every query and
    every transaction, and takes four trips to that thread per query. This one keeps a few connections
    open and reuses them, for transactions too, and runs each query in one trip. Needs SQLite 3.35+
    (RETURNING), which Debian 12 has."""

    def __init__(self, path: str, **connection_kwargs) -> None:
        super().__init__(path=path, **connection_kwargs)
        self.idle_connections: list = []
        self.writer_queue = asyncio.Lock()

    def transaction(self, transaction_type=TransactionType.deferred, allow_nested=True) -> "PooledSQLiteTransaction":
        return PooledSQLiteTransaction(engine=self, transaction_type=transaction_type, allow_nested=allow_nested)

    async def take_connection(self):
        return self.idle_connections.pop() if self.idle_connections else await self.get_connection()

    async def give_back(self, connection) -> None:
        """Keep a connection for the next query, unless enough are kept or it is still in a transaction."""
        if len(self.idle_connections) < SQLITE_IDLE_CONNECTIONS and not connection.in_transaction:
            self.idle_connections.append(connection)
        else:
            await connection.close()

    async def _run_in_new_connection(self, query: str, args=None, query_type="generic", table=None):
        if query.lstrip()[:6].upper() == "SELECT":
            return await self._run_pooled(query, args)
        async with self.writer_queue:  # a lone write waits its turn like a transaction does
            return await self._run_pooled(query, args)

    async def _run_pooled(self, query: str, args) -> list:
        connection = await self.take_connection()
        try:
            rows = await connection.execute_fetchall(query, args or [])
        except BaseException:
            await connection.close()
            raise
        await self.give_back(connection)
        return rows

    async def _run_in_existing_connection(self, connection, query: str, args=None, query_type="generic", table=None):
        # foreign_keys is already on: get_connection() turned it on for the connection's life.
        return await connection.execute_fetchall(query, args or [])

    async def close_idle_connections(self) -> None:
        while self.idle_connections:
            await self.idle_connections.pop().close()


class PooledSQLiteTransaction(SQLiteTransaction):
    """A transaction on a kept connection, given back when it ends."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.on_commit: list = []  # called once it has committed (after_commit)

    async def get_connection(self):
        return await self.engine.take_connection()

    async def __aexit__(self, exception_type, exception, traceback) -> bool:
        if self._parent:
            return exception is None
        try:
            if exception is not None and not self._rolled_back:
                await self.rollback()
            elif exception is None and not self._committed and not self._rolled_back:
                await self.commit()
        except BaseException:
            await self.connection.close()
            raise
        finally:
            self.engine.current_transaction.reset(self.context)
        await self.engine.give_back(self.connection)
        if exception is None:
            for callback in self.on_commit:
                callback()
        return exception is None


def after_commit(callback) -> None:
    """On SQLite: call `callback` once the current write transaction has committed, or at once outside
    one. (PostgreSQL's NOTIFY already waits for the commit.)"""
    transaction = current_engine().current_transaction.get()
    if isinstance(transaction, PooledSQLiteTransaction):
        transaction.on_commit.append(callback)
    else:
        callback()


def sqlite_path(database_url: str) -> Path:
    return Path(database_url.removeprefix("sqlite:///"))


def make_engine(database_url: str, pooled: bool = True) -> Engine:
    """The app's engine. `pooled=False` gives Piccolo's plain SQLite engine, for its migration tools,
    which never close an engine and so must not leave connections open."""
    if database_url.startswith("sqlite:///"):
        path = sqlite_path(database_url)
        path.parent.mkdir(parents=True, exist_ok=True)
        engine_class = PooledSQLiteEngine if pooled else SQLiteEngine
        return engine_class(path=str(path), timeout=SQLITE_BUSY_TIMEOUT_SECONDS)
    return PostgresEngine(config={"dsn": database_url})


def enable_wal(engine: Engine) -> None:
    """WAL lets readers go on while one writer writes; it is a lasting property of the file."""
    if isinstance(engine, SQLiteEngine):
        with sqlite3.connect(engine.path) as connection:
            connection.execute("PRAGMA journal_mode=WAL")


def use_engine(engine: Engine) -> None:
    """Point every drillhub table at this engine."""
    global _engine
    from drillhub.piccolo_app import APP_CONFIG

    for table in APP_CONFIG.table_classes:
        table._meta.db = engine
    _engine = engine


def current_engine() -> Engine:
    if _engine is None:
        raise RuntimeError("use_engine() has not been called")
    return _engine


def transaction():
    """A write transaction. On SQLite it takes the write lock at BEGIN (IMMEDIATE), so two writers
    never fail half-way with 'database is locked'; a process's own writers first queue in turn here,
    as SQLite's busy handler makes waiting writers sleep in ever longer steps. A transaction opened
    inside another is the same transaction."""
    engine = current_engine()
    if isinstance(engine, PooledSQLiteEngine) and engine.current_transaction.get() is None:
        return _queued_write(engine)
    if isinstance(engine, SQLiteEngine):
        return engine.transaction(transaction_type=TransactionType.immediate)
    return engine.transaction()


@asynccontextmanager
async def _queued_write(engine: "PooledSQLiteEngine"):
    async with engine.writer_queue:
        async with engine.transaction(transaction_type=TransactionType.immediate) as transaction:
            yield transaction


async def _keep_session_state(connection) -> None:
    """A connection given back to the pool keeps its session state: drillhub sets none (no SET, LISTEN,
    advisory lock or cursor on a pooled connection), and asyncpg's reset query would be one more round
    trip after every query. An open transaction is still rolled back (asyncpg does that first)."""


async def open_database(engine: Engine) -> None:
    if isinstance(engine, PostgresEngine):
        await engine.start_connection_pool(min_size=2, max_size=20, reset=_keep_session_state)


async def close_database(engine: Engine) -> None:
    if isinstance(engine, PostgresEngine) and engine.pool is not None:
        await engine.close_connection_pool()
    if isinstance(engine, PooledSQLiteEngine):
        await engine.close_idle_connections()


async def database_ok(engine: Engine) -> bool:
    try:
        await engine.run_ddl("SELECT 1")
    except Exception:  # noqa: BLE001 - any failure at all means "not healthy"
        return False
    return True


async def lock_row(table, row_id: int) -> None:
    """Inside a transaction: make other writers of this row wait (SELECT ... FOR UPDATE). On SQLite
    the IMMEDIATE transaction already holds the database's one write lock."""
    if not isinstance(current_engine(), SQLiteEngine):
        await table.select(table.id).where(table.id == row_id).lock_rows()


async def skip_locked(select) -> list[dict]:
    """Rows no other transaction has locked (PostgreSQL's FOR UPDATE SKIP LOCKED), so several
    workers can each take different rows; SQLite writers never overlap anyway."""
    if isinstance(current_engine(), SQLiteEngine):
        return await select
    return await select.lock_rows(skip_locked=True)


async def claim_due(table, limit: int, lease: timedelta, *columns) -> list[dict]:
    """Up to `limit` pending rows of an outbox (a table with status, next_attempt_at and attempts) whose next
    attempt has come, taken for this worker: in one transaction their next attempt moves past the lease and
    their attempts count one more, so no other worker takes them, and a worker that vanishes leaves them to
    be taken again when the lease runs out. JSON columns come back loaded."""
    now = datetime.now(UTC)
    async with transaction():
        due = table.select(*columns).where((table.status == "pending") & (table.next_attempt_at <= now)).order_by(
            table.id).limit(limit).output(load_json=True)
        rows = await skip_locked(due)
        if rows:
            await table.update({table.next_attempt_at: now + lease, table.attempts: table.attempts + 1}).where(
                table.id.is_in([row["id"] for row in rows]))
    return rows


def is_unique_violation(error: Exception) -> bool:
    """Two requests raced to insert the same unique value."""
    if isinstance(error, sqlite3.IntegrityError):
        return "UNIQUE" in str(error)
    return isinstance(error, asyncpg.UniqueViolationError)


BOUND_VALUES_PER_STATEMENT = 30_000  # SQLite allows 32,766 and PostgreSQL 65,535


async def insert_all(table, rows: list, *returning) -> list[dict]:
    """Insert many rows in as few statements as the engines' limits on bound values allow; the
    `returning` columns of each row, in order."""
    per_statement = max(1, BOUND_VALUES_PER_STATEMENT // len(table._meta.columns))
    returned = []
    for first in range(0, len(rows), per_statement):
        returned += await table.insert(*rows[first:first + per_statement]).returning(*(returning or [table.id]))
    return returned
