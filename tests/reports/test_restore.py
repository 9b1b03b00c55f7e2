"""``manage.py restore_backup`` (R44, R45): a backup restored into an empty database and an
empty media folder holds the same rows and stored files as the data it was made of; a database
or folder that holds anything is refused; an encrypted backup needs its key."""

import io
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from reports.backups import engines, services
from reports.backups.models import Backup

from .factories import seeded
from .support import age_keys, folder_hashes, needs_postgres, table_counts

MONTHLY = Backup.Reason.MONTHLY


def _restore(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("restore_backup", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue()


def _archive(backup) -> Path:
    return Path(settings.BACKUP_ROOT) / backup.file_name


# --- PostgreSQL: the whole round trip -------------------------------------------------------
@pytest.fixture
def empty_postgres():
    """A fresh, empty database beside the test database (dropped after)."""
    from psycopg2 import sql

    db = engines.configured()
    name = f"{db['NAME'][:20]}_restored_{uuid.uuid4().hex[:6]}"
    admin = engines.Postgres._connect(db, name="postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    target = {**db, "NAME": name}
    user, password = db.get("USER") or "postgres", f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    url = f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    yield target, url
    with admin.cursor() as cursor:
        cursor.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
    admin.close()


@pytest.mark.parametrize("_pg", [pytest.param(None, marks=needs_postgres)])
@pytest.mark.django_db(transaction=True)  # pg_dump reads what is committed
def test_seeded_data_backed_up_wiped_and_restored_is_the_same__R44(_pg, empty_postgres, tmp_path):
    seeded(documents=3)
    before_rows = table_counts()
    before_files = folder_hashes(settings.MEDIA_ROOT)
    assert before_rows["documents_document"] == 3 and len(before_files) == 3
    backup = services.backup_make(reason=MONTHLY)
    assert backup.drill_status == Backup.Drill.PASSED, backup.drill_result
    target, url = empty_postgres
    media = tmp_path / "restored-media"  # the wiped folder: empty

    printed = _restore(backup.pk, "--database-url", url, "--media-root", media)

    assert "matches the manifest" in printed
    after = engines.Postgres().counts(target)
    # the backup's own row was written after its snapshot; everything else is as it was
    assert {t: n for t, n in after.items() if t != "reports_backup"} == {
        t: n for t, n in before_rows.items() if t != "reports_backup"
    }
    assert folder_hashes(media) == before_files


@pytest.mark.parametrize("_pg", [pytest.param(None, marks=needs_postgres)])
@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_is_not_empty__R44(_pg, tmp_path):
    backup = services.backup_make(reason=MONTHLY)
    with pytest.raises(CommandError, match="is not empty"):
        _restore(_archive(backup), "--media-root", tmp_path / "m")  # the configured database
    assert Backup.objects.filter(pk=backup.pk).exists()


# --- SQLite (the default) and both --------------------------------------------------------
def _sqlite_only():
    if connection.vendor != "sqlite":
        pytest.skip("restores a SQLite backup into a SQLite file")


@pytest.mark.django_db
def test_a_backup_restored_into_an_empty_sqlite_file_matches__R44(tmp_path):
    _sqlite_only()
    seeded(documents=2)
    before_files = folder_hashes(settings.MEDIA_ROOT)
    before_rows = table_counts()
    backup = services.backup_make(reason=MONTHLY)
    target = tmp_path / "restored.sqlite3"

    printed = _restore(
        _archive(backup), "--database-url", f"sqlite:///{target}", "--media-root", tmp_path / "m"
    )

    assert "matches the manifest" in printed
    restored = engines.Sqlite().counts({"NAME": str(target)})
    assert {t: n for t, n in restored.items() if t != "reports_backup"} == {
        t: n for t, n in before_rows.items() if t != "reports_backup"
    }
    assert folder_hashes(tmp_path / "m") == before_files


@pytest.mark.django_db
def test_restore_refuses_a_media_folder_that_is_not_empty__R44(tmp_path):
    backup = services.backup_make(reason=MONTHLY)
    media = tmp_path / "m"
    media.mkdir()
    (media / "left.pdf").write_bytes(b"%PDF")
    target = f"sqlite:///{tmp_path / 'x.sqlite3'}" if connection.vendor == "sqlite" else None
    args = [_archive(backup), "--media-root", media]
    if target:
        args += ["--database-url", target]
    with pytest.raises(CommandError, match="not empty"):
        _restore(*args)
    assert (media / "left.pdf").read_bytes() == b"%PDF"


@pytest.mark.django_db
def test_an_encrypted_backup_restores_with_the_key_and_not_without__R45(settings, tmp_path):
    _sqlite_only()
    public, identity = age_keys(tmp_path)
    settings.BACKUP_AGE_RECIPIENTS = [public]
    settings.BACKUP_AGE_IDENTITY_FILE = ""  # the key is not on this machine
    seeded(documents=1)
    backup = services.backup_make(reason=MONTHLY)
    assert backup.encrypted
    assert backup.drill_status == Backup.Drill.FAILED  # a drill without the key proves nothing
    target = tmp_path / "restored.sqlite3"

    def restore(*extra):
        return _restore(
            _archive(backup),
            "--database-url",
            f"sqlite:///{target}",
            "--media-root",
            tmp_path / "m",
            *extra,
        )

    with pytest.raises(CommandError, match="give the key"):
        restore()
    assert not target.exists() and not (tmp_path / "m").exists()
    assert "matches the manifest" in restore("--identity", identity)
    assert engines.Sqlite().counts({"NAME": str(target)})["documents_document"] == 1


@pytest.mark.django_db
def test_restore_by_id_into_the_configured_database_is_refused_with_what_to_do(tmp_path):
    backup = services.backup_make(reason=MONTHLY)
    with pytest.raises(CommandError, match="give --database-url"):
        _restore(backup.pk, "--media-root", tmp_path / "m")
    with pytest.raises(CommandError, match="no such archive"):
        _restore("nowhere.tar", "--media-root", tmp_path / "m")
    with pytest.raises(CommandError, match="no backup for the database engine|not a database"):
        _restore(backup.pk, "--database-url", "mysql://x@y/z", "--media-root", tmp_path / "m")


@pytest.mark.django_db
def test_a_damaged_archive_is_refused_by_the_command__R45(tmp_path):
    _sqlite_only()
    backup = services.backup_make(reason=MONTHLY)
    path = _archive(backup)
    path.write_bytes(path.read_bytes()[:2000])  # cut short
    with pytest.raises(CommandError):
        _restore(
            path,
            "--database-url",
            f"sqlite:///{tmp_path / 'r.sqlite3'}",
            "--media-root",
            tmp_path / "m",
        )
