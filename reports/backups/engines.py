"""The database side of a backup, one engine per database (R44).

- PostgreSQL: ``pg_dump -Fc`` (``BACKUP_PG_DUMP``) of a snapshot exported by a REPEATABLE READ
  transaction that stays open while the dump runs, and the rows counted in that same
  transaction, so the manifest's counts are those of the dump. Restored with ``pg_restore``
  (``BACKUP_PG_RESTORE``); a drill restores into a new database made for it and dropped after.
- SQLite: the online backup API (``sqlite3.Connection.backup``, from a connection of its own:
  the last committed state) into a copy, the rows counted in the copy; a drill restores into a
  temporary file. An in-memory database (the tests') is copied through its SQL instead.

A database is named by a Django ``DATABASES`` entry (``ENGINE``, ``NAME``, ``USER`` …).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connections

POSTGRES = "postgresql"
SQLITE = "sqlite"

# How long pg_dump waits for a table's lock before it gives up (a table held by a migration
# must not hang the night's backup).
LOCK_WAIT = "120s"


class BackupError(Exception):
    """A step of a backup or a restore failed; the message says which and why."""


@dataclass
class Dump:
    path: Path  # the database file in the work folder
    member: str  # its name in the archive
    counts: dict[str, int] = field(default_factory=dict)
    migrations: list[list[str]] = field(default_factory=list)
    server_version: str = ""


class _Dumping:
    """A dump under way: ``wait()`` returns it finished (or raises ``BackupError``)."""

    def __init__(self, wait):
        self.wait = wait


def vendor_of(db: dict) -> str:
    engine = db.get("ENGINE", "")
    if "postgresql" in engine:
        return POSTGRES
    if "sqlite3" in engine:
        return SQLITE
    raise BackupError(f"no backup for the database engine {engine!r}")


def engine_for(db: dict):
    return {POSTGRES: Postgres, SQLITE: Sqlite}[vendor_of(db)]()


def configured() -> dict:
    """The project's database (``DATABASES["default"]``)."""
    return dict(connections["default"].settings_dict)


def database_from_url(url: str) -> dict:
    """A ``DATABASES`` entry for a database URL (``postgres://…``, ``sqlite:///…``)."""
    import environ

    try:
        return environ.Env.db_url_config(url)
    except Exception as exc:  # an unknown scheme, a mangled URL
        raise BackupError(f"not a database URL: {url!r} ({exc})") from exc


def run_command(argv, *, env=None, beat=None, what="") -> None:
    """Run ``argv``, beating while it runs; a non-zero exit raises with its last error lines."""
    with tempfile.TemporaryFile() as errors:
        try:
            proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        except OSError as exc:  # no such program
            raise BackupError(f"{what or argv[0]} could not start: {exc}") from exc
        wait_for(proc, errors, beat=beat, what=what or argv[0])


def wait_for(proc, errors, *, beat=None, what: str) -> None:
    """Wait for ``proc``, calling ``beat()`` every 2 s (the job's heartbeat); a non-zero exit
    raises with the last lines it wrote to ``errors``."""
    while True:
        try:
            code = proc.wait(timeout=2)
            break
        except subprocess.TimeoutExpired:
            if beat is not None:
                beat()
    if code != 0:
        errors.seek(0)
        tail = errors.read()[-2000:].decode("utf-8", "replace").strip()
        raise BackupError(f"{what} failed (exit {code}): {tail}")


# --- PostgreSQL -----------------------------------------------------------------------------
_TABLES_SQL = """
    SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND n.nspname NOT LIKE 'pg_toast%%' AND n.nspname NOT LIKE 'pg_temp%%'
    ORDER BY 1, 2
"""


class Postgres:
    vendor = POSTGRES
    member = "database.dump"

    @staticmethod
    def _connect(db: dict, *, name=None):
        import psycopg2

        return psycopg2.connect(
            dbname=name or db["NAME"],
            user=db.get("USER") or None,
            password=db.get("PASSWORD") or None,
            host=db.get("HOST") or None,
            port=db.get("PORT") or None,
            connect_timeout=10,
        )

    @staticmethod
    def _env(db: dict) -> dict:
        env = dict(os.environ)
        for key, value in (
            ("PGHOST", db.get("HOST")),
            ("PGPORT", db.get("PORT")),
            ("PGUSER", db.get("USER")),
            ("PGPASSWORD", db.get("PASSWORD")),
        ):
            if value:
                env[key] = str(value)
            else:
                env.pop(key, None)
        env["PGCONNECT_TIMEOUT"] = "10"
        return env

    @staticmethod
    def _counts(cursor) -> dict[str, int]:
        from psycopg2 import sql

        cursor.execute(_TABLES_SQL)
        counts = {}
        for schema, table in cursor.fetchall():
            cursor.execute(
                sql.SQL("SELECT count(*) FROM ONLY {}.{}").format(
                    sql.Identifier(schema), sql.Identifier(table)
                )
            )
            name = table if schema == "public" else f"{schema}.{table}"
            counts[name] = cursor.fetchone()[0]
        return counts

    @staticmethod
    def _migrations(cursor, counts) -> list[list[str]]:
        if "django_migrations" not in counts:
            return []
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
        return [list(row) for row in cursor.fetchall()]

    @contextlib.contextmanager
    def dumping(self, db: dict, workdir: Path, *, beat=None):
        """Start ``pg_dump`` of an exported snapshot and count the rows in the snapshot's
        transaction; yields a handle whose ``wait()`` returns the finished ``Dump``. The
        transaction stays open until then, and the dump runs while the caller goes on (the
        stored files go into the archive meanwhile). Leaving early kills pg_dump."""
        import psycopg2.extensions

        path = workdir / self.member
        conn = self._connect(db)
        proc = None
        try:
            conn.set_session(
                isolation_level=psycopg2.extensions.ISOLATION_LEVEL_REPEATABLE_READ,
                readonly=True,
            )
            with conn.cursor() as cursor, tempfile.TemporaryFile() as errors:
                cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
                snapshot, version = cursor.fetchone()
                argv = [
                    settings.BACKUP_PG_DUMP,
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    f"--lock-wait-timeout={LOCK_WAIT}",
                    "--no-password",
                    f"--file={path}",
                    f"--dbname={db['NAME']}",
                ]
                try:
                    proc = subprocess.Popen(
                        argv, env=self._env(db), stdout=subprocess.DEVNULL, stderr=errors
                    )
                except OSError as exc:
                    raise BackupError(f"pg_dump could not start: {exc}") from exc
                # counted in the snapshot's own transaction while pg_dump reads it
                counts = self._counts(cursor)
                migrations = self._migrations(cursor, counts)
                dump = Dump(path, self.member, counts, migrations, f"PostgreSQL {version}")

                def wait() -> Dump:
                    wait_for(proc, errors, beat=beat, what="pg_dump")
                    if not path.is_file():
                        raise BackupError("pg_dump wrote no file")
                    return dump

                yield _Dumping(wait)
        finally:
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait()
            conn.close()

    def counts(self, db: dict) -> dict[str, int]:
        conn = self._connect(db)
        try:
            with conn.cursor() as cursor:
                return self._counts(cursor)
        finally:
            conn.close()

    def is_empty(self, db: dict) -> bool:
        conn = self._connect(db)
        try:
            with conn.cursor() as cursor:
                cursor.execute(_TABLES_SQL)
                return cursor.fetchone() is None
        finally:
            conn.close()

    def restore(self, dump_path: Path, db: dict, *, beat=None) -> None:
        run_command(
            [
                settings.BACKUP_PG_RESTORE,
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--no-password",
                f"--dbname={db['NAME']}",
                str(dump_path),
            ],
            env=self._env(db),
            beat=beat,
            what="pg_restore",
        )

    @contextlib.contextmanager
    def scratch(self, db: dict, *, label: str):
        """A new, empty database beside ``db`` (its name unique per drill), dropped after."""
        from psycopg2 import sql

        name = f"{db['NAME']}"[:30] + f"_drill_{label}_{uuid.uuid4().hex[:8]}"
        admin = self._connect(db, name="postgres")
        admin.autocommit = True
        try:
            with admin.cursor() as cursor:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            try:
                yield {**db, "NAME": name}
            finally:
                with admin.cursor() as cursor:
                    cursor.execute(
                        sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                            sql.Identifier(name)
                        )
                    )
        finally:
            admin.close()


# --- SQLite ---------------------------------------------------------------------------------
def _in_memory(db: dict) -> bool:
    name = str(db.get("NAME") or "")
    return name in ("", ":memory:") or "mode=memory" in name


_SQLITE_TABLES = (
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
)


class Sqlite:
    vendor = SQLITE
    member = "database.sqlite3"

    @contextlib.contextmanager
    def dumping(self, db: dict, workdir: Path, *, beat=None):
        """The copy, made at once (SQLite copies pages, not a snapshot)."""
        dump = self.dump(db, workdir, beat=beat)
        yield _Dumping(lambda: dump)

    @staticmethod
    def _counts(conn) -> dict[str, int]:
        tables = [row[0] for row in conn.execute(_SQLITE_TABLES)]
        return {
            t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]  # noqa: S608 - names from sqlite_master
            for t in tables
        }

    def dump(self, db: dict, workdir: Path, *, beat=None) -> Dump:
        path = workdir / self.member
        copy = sqlite3.connect(path)
        try:
            if _in_memory(db):
                self._copy_in_memory(copy)
            else:
                self._copy_file(db, copy, beat=beat)
            counts = self._counts(copy)
            migrations = []
            if "django_migrations" in counts:
                rows = copy.execute("SELECT app, name FROM django_migrations ORDER BY id")
                migrations = [list(r) for r in rows]
        finally:
            copy.close()
        return Dump(path, self.member, counts, migrations, f"SQLite {sqlite3.sqlite_version}")

    @staticmethod
    def _copy_file(db: dict, copy, *, beat=None) -> None:
        """The online backup API, from a connection of its own: it copies the last committed
        state, whatever the project's connection is doing."""
        source = sqlite3.connect(f"file:{db['NAME']}?mode=ro", uri=True, timeout=60)
        last = [time.monotonic()]

        def progress(status, remaining, total):
            if beat is not None and time.monotonic() - last[0] > 2:
                last[0] = time.monotonic()
                beat()

        try:
            source.backup(copy, pages=1024, progress=progress)
        finally:
            source.close()

    @staticmethod
    def _copy_in_memory(copy) -> None:
        """An in-memory database (the tests') is reached only through the project's own
        connection, which may be inside a transaction, where the backup API waits forever:
        its SQL is copied instead."""
        source = connections["default"]
        source.ensure_connection()
        copy.executescript("\n".join(source.connection.iterdump()))

    def counts(self, db: dict) -> dict[str, int]:
        conn = sqlite3.connect(f"file:{db['NAME']}?mode=ro", uri=True)
        try:
            return self._counts(conn)
        finally:
            conn.close()

    def is_empty(self, db: dict) -> bool:
        path = Path(db["NAME"])
        if not path.exists() or path.stat().st_size == 0:
            return True
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return conn.execute(_SQLITE_TABLES).fetchone() is None
        finally:
            conn.close()

    def restore(self, dump_path: Path, db: dict, *, beat=None) -> None:
        target = Path(db["NAME"])
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.partial")
        shutil.copyfile(dump_path, partial)
        os.replace(partial, target)

    @contextlib.contextmanager
    def scratch(self, db: dict, *, label: str):
        with tempfile.TemporaryDirectory(prefix=f"archive-drill-{label}-") as folder:
            yield {**db, "NAME": str(Path(folder) / "drill.sqlite3")}
