"""What the pages read about backups (R44, R45)."""

from django.utils.translation import gettext_lazy as _

from .models import Backup

BACKUPS_SHOWN = 20

# the manifest's "versions" keys, named for the page (an unknown key is shown as it is)
VERSION_NAMES = {
    "python": "Python",
    "django": "Django",
    "product": _("This product"),
    "database": _("Database server"),
}


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
        "versions": [
            (VERSION_NAMES.get(key, key), value)
            for key, value in manifest.get("versions", {}).items()
        ],
        "counts": sorted(counts.items()),
    }
