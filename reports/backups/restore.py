"""Restoring an archive and checking it against its manifest (R44, R45): what the restore drill
does after every backup (into a scratch database and folder) and what ``manage.py
restore_backup`` does (into an empty database and media folder).

The check: the archive's SHA-256 is the one recorded when it was made (when known), it opens
(decrypted with the key when it is encrypted), every table holds the rows the manifest counted,
and every stored file is there with the manifest's SHA-256, and no other.
"""

from __future__ import annotations

import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import archive
from .engines import BackupError, engine_for, vendor_of


@dataclass
class Restored:
    manifest: dict = field(default_factory=dict)
    tables: int = 0
    rows: int = 0
    files: int = 0
    differences: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences

    def as_result(self) -> dict:
        return {
            "tables": self.tables,
            "rows": self.rows,
            "files": self.files,
            "differences": self.differences,
        }


def compare(manifest: dict, counts: dict, files: dict) -> list[dict]:
    """The differences between the manifest and what was restored, as entries
    ``{"kind": "table"|"file", "name", "expected", "found"}`` (None for missing)."""
    differences = []
    expected_counts = manifest.get("database", {}).get("counts", {})
    for table in sorted(set(expected_counts) | set(counts)):
        if expected_counts.get(table) != counts.get(table):
            differences.append(
                {
                    "kind": "table",
                    "name": table,
                    "expected": expected_counts.get(table),
                    "found": counts.get(table),
                }
            )
    expected_files = manifest.get("media", {}).get("files", {})
    for name in sorted(set(expected_files) | set(files)):
        if expected_files.get(name) != files.get(name):
            differences.append(
                {
                    "kind": "file",
                    "name": name,
                    "expected": expected_files.get(name),
                    "found": files.get(name),
                }
            )
    return differences


def _open_tar(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, "r:")
    except tarfile.TarError as exc:
        raise BackupError(f"the archive is not a readable tar: {exc}") from exc


def restore_archive(
    path: Path,
    *,
    database: dict,
    media_root: Path,
    identity_file=None,
    expected_sha256: str = "",
    beat=None,
) -> Restored:
    """Restore the archive at ``path`` into ``database`` (empty) and ``media_root`` (empty),
    then compare with the manifest. Raises ``BackupError`` when it cannot be restored at all;
    differences are returned in ``Restored.differences``."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"there is no archive at {path}")
    if expected_sha256:
        found = archive.sha256_of(path)
        if found != expected_sha256:
            return Restored(
                differences=[
                    {
                        "kind": "archive",
                        "name": path.name,
                        "expected": expected_sha256,
                        "found": found,
                    }
                ]
            )
    with tempfile.TemporaryDirectory(prefix="archive-restore-") as work:
        work = Path(work)
        tar_path = path
        if archive.is_encrypted(path):
            tar_path = work / "archive.tar"
            archive.decrypt(path, tar_path, identity_file)
        if beat:
            beat()
        with _open_tar(tar_path) as tar:
            manifest = archive.read_manifest(tar)
            engine = engine_for(database)
            made_on = manifest.get("database", {}).get("engine")
            if made_on != vendor_of(database):
                raise BackupError(
                    f"the archive holds a {made_on} database; it restores into {made_on} only"
                )
            member = manifest["database"]["member"]
            dump = work / member
            try:
                db_sha = archive.extract_to(tar, member, dump)
                step = (lambda n: beat()) if beat else None
                media = archive.extract_media(tar, Path(media_root), step=step)
            except (OSError, tarfile.TarError) as exc:
                raise BackupError(f"the archive is damaged: {exc}") from exc
        differences = []
        if db_sha != manifest["database"].get("sha256"):
            differences.append(
                {
                    "kind": "database",
                    "name": member,
                    "expected": manifest["database"].get("sha256"),
                    "found": db_sha,
                }
            )
        engine.restore(dump, database, beat=beat)
        counts = engine.counts(database)
    differences += compare(manifest, counts, media)
    return Restored(
        manifest=manifest,
        tables=len(counts),
        rows=sum(counts.values()),
        files=len(media),
        differences=differences,
    )
