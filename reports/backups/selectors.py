"""What the pages read about backups (R44, R45)."""

from .models import Backup

BACKUPS_SHOWN = 20


def backups_recent(*, status="", limit=BACKUPS_SHOWN):
    """The newest backups (of one status) with who asked for them (one query)."""
    qs = Backup.objects.select_related("requested_by").newest_first()
    if status:
        qs = qs.filter(status=status)
    return list(qs[:limit])


def backup_summary(backup: Backup) -> dict:
    """The manifest in a few numbers: tables, rows, stored files and their bytes."""
    manifest = backup.manifest or {}
    counts = manifest.get("database", {}).get("counts", {})
    media = manifest.get("media", {})
    return {
        "tables": len(counts),
        "rows": sum(counts.values()),
        "files": len(media.get("files", {})),
        "media_bytes": media.get("bytes", 0),
        "migrations": len(manifest.get("database", {}).get("migrations", [])),
        "versions": manifest.get("versions", {}),
        "counts": sorted(counts.items()),
    }
