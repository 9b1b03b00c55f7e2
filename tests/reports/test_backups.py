"""Backups (R44, R45): one archive of the database and the stored files with its manifest,
never recorded good unless complete, proven by a restore drill, encrypted to the recipients'
keys, the last ``BACKUP_KEEP`` kept. On the configured database: SQLite by default, PostgreSQL
with DATABASE_URL (``pg_dump`` of an exported snapshot)."""

import datetime
import io
import json
import tarfile
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from reports.backups import archive, services
from reports.backups.models import Backup

from ..factories import notified
from .factories import admin_user, seeded
from .support import (
    PG,
    age_keys,
    archives,
    folder_hashes,
    half_writing_pg_dump,
    manifest_of,
    members,
    needs_postgres,
    sha256,
)

pytestmark = pytest.mark.django_db

MONTHLY = Backup.Reason.MONTHLY


def _path(backup):
    return Path(settings.BACKUP_ROOT) / backup.file_name


def test_a_backup_is_one_archive_of_the_database_and_every_stored_file__R44():
    dossier, docs = seeded(documents=2)

    backup = services.backup_make(reason=MONTHLY)

    assert backup.status == Backup.Status.GOOD, backup.error
    path = _path(backup)
    assert path.is_file() and archives(settings.BACKUP_ROOT) == [backup.file_name]
    assert backup.size == path.stat().st_size and backup.sha256 == sha256(path)
    names = members(path)
    assert names[-1] == "manifest.json"
    assert ("database.dump" if PG else "database.sqlite3") in names
    stored = folder_hashes(settings.MEDIA_ROOT)
    assert len(stored) == 2 and {f"media/{n}" for n in stored} <= set(names)
    manifest = manifest_of(path)
    assert manifest == backup.manifest
    assert manifest["media"]["files"] == stored  # R45: every stored file's SHA-256
    counts = manifest["database"]["counts"]
    assert counts["customers_dossier"] >= (0 if PG else 1)  # PG dumps what is committed
    assert counts["django_migrations"] == len(manifest["database"]["migrations"]) > 50
    assert ["reports", "0001_initial"] in manifest["database"]["migrations"]
    assert set(manifest["versions"]) == {"python", "django", "database", "product"}
    assert manifest["versions"]["database"].startswith("PostgreSQL" if PG else "SQLite")
    assert manifest["created_at"].startswith(timezone.localdate().isoformat()[:4])


def test_every_backup_is_restored_in_a_drill_that_leaves_nothing_behind__R44():
    seeded(documents=2)

    backup = services.backup_make(reason=MONTHLY)

    assert backup.drill_status == Backup.Drill.PASSED, backup.drill_result
    result = backup.drill_result
    assert result["differences"] == [] and result["files"] == 2
    assert result["tables"] == len(backup.manifest["database"]["counts"])
    assert result["rows"] == sum(backup.manifest["database"]["counts"].values())
    assert archives(settings.BACKUP_ROOT) == [backup.file_name]  # no scratch folder left
    if PG:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_database WHERE datname LIKE %s", ["%_drill_%"])
            assert cursor.fetchone()[0] == 0  # the scratch database was dropped


def _vanishing(monkeypatch, name):
    """The stored file ``name`` disappears just as the backup comes to read it (a destruction
    removing it at that moment)."""
    real = archive._add_file

    def add(tar, path, arcname, hasher):
        if Path(path).name == name:
            Path(path).unlink()
        return real(tar, path, arcname, hasher)

    monkeypatch.setattr(archive, "_add_file", add)


def test_a_backup_broken_midway_is_failed_leaves_no_archive_and_keeps_the_last_good__R44(
    monkeypatch,
):
    admin = admin_user()
    seeded(documents=2)
    good = services.backup_make(reason=MONTHLY)
    victim = sorted(folder_hashes(settings.MEDIA_ROOT))[0].rsplit("/", 1)[-1]
    _vanishing(monkeypatch, victim)

    broken = services.backup_make(reason=MONTHLY)

    assert broken.status == Backup.Status.FAILED and victim in broken.error
    assert broken.file_name == "" and broken.sha256 == "" and broken.finished_at
    assert archives(settings.BACKUP_ROOT) == [good.file_name]  # nothing half-written left
    good.refresh_from_db()
    assert good.status == Backup.Status.GOOD and _path(good).is_file()
    assert notified(f"Backup #{broken.pk} failed", recipient=admin)


@pytest.mark.parametrize("_pg", [pytest.param(None, marks=needs_postgres)])
def test_a_pg_dump_that_writes_half_and_fails_leaves_no_archive__R44(_pg, settings, tmp_path):
    admin = admin_user()
    good = services.backup_make(reason=MONTHLY)
    settings.BACKUP_PG_DUMP = half_writing_pg_dump(tmp_path)

    broken = services.backup_make(reason=MONTHLY)

    assert broken.status == Backup.Status.FAILED
    assert "No space left on device" in broken.error
    assert archives(settings.BACKUP_ROOT) == [good.file_name]
    assert Backup.objects.get(pk=good.pk).status == Backup.Status.GOOD
    assert notified("failed", recipient=admin)


def test_an_encrypted_backup_opens_with_the_key_only__R45(settings, tmp_path):
    public, identity = age_keys(tmp_path)
    settings.BACKUP_AGE_RECIPIENTS = [public]
    settings.BACKUP_AGE_IDENTITY_FILE = identity
    seeded(documents=1)

    backup = services.backup_make(reason=MONTHLY)

    assert backup.status == Backup.Status.GOOD and backup.encrypted
    assert backup.recipients == public and backup.file_name.endswith(".tar.age")
    data = _path(backup).read_bytes()
    assert data.startswith(b"age-encryption.org/v1")
    assert b"manifest.json" not in data and b"%PDF" not in data
    assert backup.drill_status == Backup.Drill.PASSED, backup.drill_result  # with the key
    settings.BACKUP_AGE_IDENTITY_FILE = ""
    without = services.backup_drill(backup=backup)
    assert without.drill_status == Backup.Drill.FAILED
    assert "give the key" in without.drill_result["error"]
    _other, wrong = age_keys(tmp_path / "..")
    wrong_key = services.backup_drill(backup=backup, identity_file=wrong)
    assert "cannot be decrypted" in wrong_key.drill_result["error"]


def test_the_drill_catches_a_damaged_archive_and_tells_the_administrators__R45():
    admin = admin_user()
    seeded(documents=1)
    backup = services.backup_make(reason=MONTHLY)
    path = _path(backup)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one bit flipped on the disk
    path.write_bytes(bytes(data))

    drilled = services.backup_drill(backup=backup)

    assert drilled.drill_status == Backup.Drill.FAILED
    assert [d["kind"] for d in drilled.differences] == ["archive"]
    assert notified(f"restore drill of backup #{backup.pk} failed", recipient=admin)


def _retar(path, replace):
    """Rewrite the archive with the stored files' content replaced (``replace(name, data)``),
    the manifest untouched: a copy tampered with by someone who also fixed its checksum."""
    out = io.BytesIO()
    with tarfile.open(path) as source, tarfile.open(fileobj=out, mode="w") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            data = replace(member.name, data)
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    path.write_bytes(out.getvalue())


def test_the_drill_catches_a_stored_file_changed_inside_the_archive__R45():
    admin = admin_user()
    seeded(documents=2)
    backup = services.backup_make(reason=MONTHLY)
    path = _path(backup)
    victim = sorted(backup.manifest["media"]["files"])[0]
    _retar(path, lambda name, data: b"%PDF-forged" if name == f"media/{victim}" else data)
    Backup.objects.filter(pk=backup.pk).update(sha256=sha256(path))
    backup.refresh_from_db()

    drilled = services.backup_drill(backup=backup)

    assert drilled.drill_status == Backup.Drill.FAILED
    assert [(d["kind"], d["name"]) for d in drilled.differences] == [("file", victim)]
    assert drilled.differences[0]["expected"] == backup.manifest["media"]["files"][victim]
    assert notified("1 differences", recipient=admin)


def test_the_archive_hash_is_taken_by_its_first_drill_and_checked_by_the_next__R45():
    seeded(documents=1)
    backup = services.backup_make(reason=MONTHLY, drill=False)
    path = _path(backup)
    assert backup.status == Backup.Status.GOOD and backup.sha256 == ""  # not hashed twice

    drilled = services.backup_drill(backup=backup)

    assert drilled.drill_status == Backup.Drill.PASSED
    assert drilled.sha256 == sha256(path)
    with open(path, "ab") as handle:  # the archive changes on the disk afterwards
        handle.write(b"\0" * 512)
    again = services.backup_drill(backup=Backup.objects.get(pk=backup.pk))
    assert again.drill_status == Backup.Drill.FAILED
    assert [d["kind"] for d in again.differences] == ["archive"]
    assert Backup.objects.get(pk=backup.pk).sha256 == drilled.sha256  # the first hash stays


def test_the_drill_catches_rows_missing_from_the_dump__R44():
    seeded(documents=1)
    backup = services.backup_make(reason=MONTHLY)
    path = _path(backup)

    def inflate(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["database"]["counts"]["customers_unit"] += 1
        return json.dumps(manifest).encode()

    _retar(path, inflate)
    Backup.objects.filter(pk=backup.pk).update(sha256=sha256(path))

    drilled = services.backup_drill(backup=Backup.objects.get(pk=backup.pk))

    assert drilled.drill_status == Backup.Drill.FAILED
    assert [(d["kind"], d["name"]) for d in drilled.differences] == [("table", "customers_unit")]


def test_the_last_backup_keep_good_ones_are_kept_the_older_pruned__R44(settings):
    settings.BACKUP_KEEP = 2
    made = []
    for day in (1, 2, 3):
        with time_machine.travel(datetime.datetime(2026, 3, day, 1, 30, tzinfo=datetime.UTC)):
            made.append(services.backup_make(reason=MONTHLY))
    failed = Backup.objects.create(
        reason=MONTHLY, started_at=timezone.now(), status=Backup.Status.FAILED
    )

    states = {b.pk: b for b in Backup.objects.all()}
    oldest, *kept = made
    assert states[oldest.pk].status == Backup.Status.PRUNED and states[oldest.pk].pruned_at
    assert not _path(oldest).exists()  # the archive removed, its row kept
    assert [states[b.pk].status for b in kept] == [Backup.Status.GOOD] * 2
    assert sorted(archives(settings.BACKUP_ROOT)) == sorted(b.file_name for b in kept)
    assert states[failed.pk].status == Backup.Status.FAILED


def test_no_backup_outlives_the_retention_the_destruction_register_promises_but_the_newest(
    settings,
):
    """BACKUP_RETENTION_MONTHS: the register says copies of destroyed files leave the backups
    by then, so an archive older than that goes whatever BACKUP_KEEP says (R44); the newest
    good one stays, whatever its age."""
    settings.BACKUP_KEEP = 12
    settings.BACKUP_RETENTION_MONTHS = 12
    with time_machine.travel(datetime.datetime(2025, 1, 1, 1, 30, tzinfo=datetime.UTC)):
        old = services.backup_make(reason=MONTHLY)
    with time_machine.travel(datetime.datetime(2026, 2, 1, 1, 30, tzinfo=datetime.UTC)):
        assert services.backups_prune() == []  # the only good backup stays
        new = services.backup_make(reason=MONTHLY)
    assert Backup.objects.get(pk=old.pk).status == Backup.Status.PRUNED
    assert Backup.objects.get(pk=new.pk).status == Backup.Status.GOOD
