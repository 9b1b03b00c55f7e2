"""Restore a backup into an EMPTY database and an EMPTY media folder, then check it against its
manifest (R44, R45; docs/operations.md, "Restore").

    manage.py restore_backup 42
    manage.py restore_backup /data/backups/archive-20260301-013000-42.tar.age \\
        --database-url postgres://archive@db:5432/archive_restored \\
        --media-root /data/media-restored --identity /secure/backup-key.txt

The backup is an id (looked up in the configured database: give ``--database-url`` another,
empty, database then) or an archive's path. A database or folder that holds anything is
refused. The exit status is 0 only when every table and every stored file matches.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reports.backups import engines
from reports.backups.engines import BackupError
from reports.backups.restore import restore_archive


class Command(BaseCommand):
    help = "Restore a backup (id or archive path) into an empty database and media folder."

    def add_arguments(self, parser):
        parser.add_argument("backup", help="a backup's id, or the path of its archive")
        parser.add_argument(
            "--database-url",
            default="",
            help="the empty database to restore into (default: the configured one)",
        )
        parser.add_argument(
            "--media-root",
            default="",
            help="the empty folder for the stored files (default: MEDIA_ROOT)",
        )
        parser.add_argument(
            "--identity",
            default="",
            help="the age secret key file of an encrypted backup "
            "(default: BACKUP_AGE_IDENTITY_FILE)",
        )

    def _archive(self, chosen: str, target: dict) -> tuple[Path, str]:
        path = Path(chosen)
        if path.is_file():
            return path, ""
        if not chosen.isdigit():
            raise CommandError(f"{chosen}: no such archive, and not a backup id")
        if target["NAME"] == engines.configured()["NAME"]:
            raise CommandError(
                "a backup id is looked up in the configured database, which must be empty to "
                "restore into: give --database-url of another, empty database, or the path"
            )
        from reports.backups.models import Backup
        from reports.backups.services import archive_path

        backup = Backup.objects.filter(pk=int(chosen)).first()
        if backup is None or not backup.file_name:
            raise CommandError(f"backup #{chosen} has no archive here: give its path")
        path = archive_path(backup)
        if not path.is_file():
            raise CommandError(f"the archive of backup #{chosen} is gone from {path}")
        return path, backup.sha256

    def handle(self, *args, **options):
        media = Path(options["media_root"] or settings.MEDIA_ROOT)
        try:
            target = (
                engines.database_from_url(options["database_url"])
                if options["database_url"]
                else engines.configured()
            )
            engine = engines.engine_for(target)
            path, sha256 = self._archive(options["backup"], target)
            if not engine.is_empty(target):
                raise CommandError(
                    f"the database {target['NAME']} is not empty: restore into an empty one"
                )
            if media.exists() and (not media.is_dir() or any(media.iterdir())):
                raise CommandError(f"the folder {media} is not empty: restore into an empty one")
            self.stdout.write(f"Restoring {path} into {target['NAME']} and {media} …")
            restored = restore_archive(
                path,
                database=target,
                media_root=media,
                identity_file=options["identity"] or settings.BACKUP_AGE_IDENTITY_FILE or None,
                expected_sha256=sha256,
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        made = restored.manifest.get("created_at", "?")
        self.stdout.write(
            f"Backup of {made}: {restored.tables} tables, {restored.rows} rows, "
            f"{restored.files} stored files restored."
        )
        if not restored.ok:
            for d in restored.differences:
                self.stderr.write(
                    f"  {d['kind']} {d['name']}: expected {d['expected']}, found {d['found']}"
                )
            raise CommandError(
                f"{len(restored.differences)} differences with the manifest: do not use this copy"
            )
        self.stdout.write(self.style.SUCCESS("Every table and stored file matches the manifest."))
