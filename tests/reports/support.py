"""Helpers of the backup tests: reading archives, hashing folders, keys, a broken pg_dump."""

import hashlib
import json
import os
import stat
import tarfile
from pathlib import Path

import pytest

PG = os.environ.get("DATABASE_URL", "").startswith("postgres")
needs_postgres = [
    pytest.mark.postgres,
    pytest.mark.skipif(not PG, reason="needs PostgreSQL"),
]


def sha256(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def folder_hashes(root) -> dict[str, str]:
    root = Path(root)
    return {
        p.relative_to(root).as_posix(): sha256(p) for p in sorted(root.rglob("*")) if p.is_file()
    }


def members(path) -> list[str]:
    with tarfile.open(path) as tar:
        return tar.getnames()


def manifest_of(path) -> dict:
    with tarfile.open(path) as tar:
        return json.loads(tar.extractfile("manifest.json").read())


def archives(root) -> list[str]:
    """The names in the backup folder (archives and anything left behind)."""
    root = Path(root)
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def age_keys(folder):
    """A new age key pair: (public key, path of the file holding the secret key)."""
    import pyrage

    identity = pyrage.x25519.Identity.generate()
    path = Path(folder) / "backup-key.txt"
    path.write_text(f"# created for a test\n{identity}\n", encoding="utf-8")
    path.chmod(stat.S_IRUSR | stat.S_IWUSR)
    return str(identity.to_public()), str(path)


def half_writing_pg_dump(folder) -> str:
    """A "pg_dump" that writes half a file and fails, as a dump cut off by a full disk."""
    script = Path(folder) / "pg_dump_half"
    script.write_text(
        "#!/bin/sh\n"
        'for a in "$@"; do case "$a" in --file=*) out="${a#--file=}";; esac; done\n'
        'head -c 4096 /dev/urandom > "$out"\n'
        'echo "pg_dump: error: could not write to output file: No space left on device" >&2\n'
        "exit 1\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    return str(script)


def table_counts() -> dict[str, int]:
    """Rows per table of the project's database, as the test sees it."""
    from django.db import connection

    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts
