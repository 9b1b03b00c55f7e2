"""The backup archive (R44, R45): one tar holding the database, the stored files under
``media/`` and ``manifest.json`` (written last: it holds every file's SHA-256, computed as the
file goes in), encrypted with age (pyrage) to ``BACKUP_AGE_RECIPIENTS`` when they are set.

``manifest.json``::

    {"format": 1, "created_at": "…", "database": {"engine": "postgresql", "member":
     "database.dump", "sha256": "…", "counts": {table: rows}, "migrations": [[app, name]]},
     "media": {"files": {relative path: sha256}, "bytes": n},
     "versions": {"python": "…", "django": "…", "database": "…", "product": "…"}}
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import queue
import tarfile
import threading
import time
from pathlib import Path, PurePosixPath

from .engines import BackupError

MANIFEST = "manifest.json"
MEDIA = "media"
FORMAT = 1
AGE_MAGIC = b"age-encryption.org/v1"
CHUNK = 1024 * 1024


class FileHasher:
    """The SHA-256 of every stored file, computed in a thread of its own as tarfile reads the
    file (hashlib lets go of the GIL on large blocks): the worker's thread only reads and
    writes, and on two CPUs the hashes cost almost no time beside it (bench/README.md)."""

    def __init__(self):
        self._blocks: queue.Queue = queue.Queue(maxsize=16)
        self._thread = threading.Thread(target=self._hash, name="backup-sha256", daemon=True)
        self._thread.start()

    def _hash(self):
        while (item := self._blocks.get()) is not None:
            digest, block = item
            digest.update(block)

    def reader(self, handle) -> _Hashed:
        return _Hashed(handle, self._blocks)

    def finish(self):
        """Wait for the hashes of everything read so far."""
        if self._thread.is_alive():
            self._blocks.put(None)
            self._thread.join()


class _Hashed(io.RawIOBase):
    """A stored file as tarfile reads it (exactly the stat's size), each block handed to the
    hashing thread; ``hexdigest()`` once the hasher has finished."""

    def __init__(self, handle, blocks: queue.Queue):
        self.handle = handle
        self.blocks = blocks
        self.digest = hashlib.sha256()

    def readable(self):
        return True

    def read(self, size=-1):
        data = self.handle.read(size)
        if data:
            self.blocks.put((self.digest, data))
        return data


class DurableWriter(io.RawIOBase):
    """The archive as it is written: its size, and its pages sent to the disk as they come
    (Linux ``sync_file_range``), so that the ``fsync`` before the archive is named waits for
    the last few megabytes only, not for the whole archive after it is written."""

    FLUSH_EVERY = 32 * 1024 * 1024

    def __init__(self, handle):
        self.handle = handle
        self.size = 0
        self._flushed = 0

    def writable(self):
        return True

    def tell(self):
        return self.size

    def write(self, data):
        written = self.handle.write(data)
        self.size += written
        if self.size - self._flushed >= self.FLUSH_EVERY:
            self.handle.flush()
            _start_writeback(self.handle.fileno(), self._flushed, self.size - self._flushed)
            self._flushed = self.size
        return written

    def flush(self):
        self.handle.flush()

    def sync(self):
        """The whole archive on the disk."""
        self.handle.flush()
        os.fsync(self.handle.fileno())


def _load_sync_file_range():
    try:
        import ctypes
        import ctypes.util

        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        call = libc.sync_file_range
    except (OSError, AttributeError):
        return None
    call.argtypes = [ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint]
    return call


_sync_file_range = _load_sync_file_range()
SYNC_FILE_RANGE_WRITE = 2


def _start_writeback(fd: int, offset: int, length: int) -> None:
    """Ask the kernel to start writing these pages out now, without waiting for them (no-op
    where ``sync_file_range`` is missing: the final ``fsync`` then does it all)."""
    if _sync_file_range is not None:
        _sync_file_range(fd, offset, length, SYNC_FILE_RANGE_WRITE)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def media_files(root: Path) -> list[tuple[str, Path]]:
    """The stored files under ``root`` (relative POSIX path, path), in a stable order."""
    found = []
    if not root.is_dir():
        return found
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_symlink() or not path.is_file():
                continue
            found.append((path.relative_to(root).as_posix(), path))
    return found


def _add_file(tar: tarfile.TarFile, path: Path, arcname: str, hasher: FileHasher):
    """Add one file; returns its hash (read once the hasher has finished) and its size."""
    info = tar.gettarinfo(str(path), arcname=arcname)
    info.mtime = int(info.mtime)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    with open(path, "rb") as handle:
        reader = hasher.reader(handle)
        tar.addfile(info, reader)
    return reader.digest, info.size


def write_tar(target, *, dumping, files, manifest: dict, step=None) -> dict:
    """Write the archive's tar to ``target`` (a binary file open for writing): the stored
    ``files`` (``media_files``) while the database dump runs, then the dump (``dumping.wait()``),
    then the manifest; returns the manifest. ``step(n)`` is called after each file with the
    number done. A file that vanishes or changes while it is read fails the archive."""
    digests = {}
    total_bytes = 0
    with tarfile.open(
        fileobj=target, mode="w", format=tarfile.GNU_FORMAT, copybufsize=CHUNK
    ) as tar:
        hasher = FileHasher()
        try:
            for n, (relative, path) in enumerate(files, start=1):
                try:
                    digests[relative], size = _add_file(tar, path, f"{MEDIA}/{relative}", hasher)
                except (OSError, tarfile.TarError) as exc:
                    raise BackupError(f"stored file {relative} could not be read: {exc}") from exc
                total_bytes += size
                if step:
                    step(n)
            dump = dumping.wait()
            db_digest, _size = _add_file(tar, dump.path, dump.member, hasher)
            if step:
                step(len(files) + 1)
        finally:
            hasher.finish()  # the thread ends with the archive, written whole or not
        hashes = {relative: digest.hexdigest() for relative, digest in digests.items()}
        db_sha = db_digest.hexdigest()
        manifest = {
            **manifest,
            "database": {
                **manifest.get("database", {}),
                "member": dump.member,
                "sha256": db_sha,
                "counts": dump.counts,
                "migrations": dump.migrations,
            },
            "media": {"files": hashes, "bytes": total_bytes},
            "versions": {**manifest.get("versions", {}), "database": dump.server_version},
        }
        data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(data)
        info.mtime = int(time.time())
        tar.addfile(info, io.BytesIO(data))
    return manifest


# --- Encryption (R45) -----------------------------------------------------------------------
def recipients_of(keys) -> list:
    import pyrage

    try:
        return [pyrage.x25519.Recipient.from_str(k.strip()) for k in keys if k.strip()]
    except pyrage.RecipientError as exc:
        raise BackupError(f"BACKUP_AGE_RECIPIENTS holds a key that is not age's: {exc}") from exc


def encrypt(plain: Path, target, keys) -> None:
    """Encrypt the file ``plain`` into ``target`` (a binary file open for writing)."""
    import pyrage

    recipients = recipients_of(keys)
    with open(plain, "rb") as reader:
        pyrage.encrypt_io(reader, target, recipients)


def is_encrypted(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(len(AGE_MAGIC)) == AGE_MAGIC


def identities_from(identity_file) -> list:
    """The age identities (secret keys) of ``identity_file`` (``AGE-SECRET-KEY-1…`` lines)."""
    import pyrage

    if not identity_file:
        raise BackupError(
            "the backup is encrypted: give the key (BACKUP_AGE_IDENTITY_FILE or --identity)"
        )
    try:
        lines = Path(identity_file).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise BackupError(f"the key file {identity_file} cannot be read: {exc}") from exc
    keys = [line.strip() for line in lines if line.strip().startswith("AGE-SECRET-KEY-")]
    if not keys:
        raise BackupError(f"the key file {identity_file} holds no age secret key")
    try:
        return [pyrage.x25519.Identity.from_str(k) for k in keys]
    except pyrage.IdentityError as exc:
        raise BackupError(f"the key file {identity_file} holds a broken key: {exc}") from exc


def decrypt(encrypted: Path, target: Path, identity_file) -> None:
    import pyrage

    identities = identities_from(identity_file)
    try:
        pyrage.decrypt_file(str(encrypted), str(target), identities)
    except pyrage.DecryptError as exc:
        raise BackupError(f"the archive cannot be decrypted with this key: {exc}") from exc


# --- Reading --------------------------------------------------------------------------------
def read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        member = tar.getmember(MANIFEST)
        manifest = json.loads(tar.extractfile(member).read())
    except (KeyError, ValueError, AttributeError, OSError, tarfile.TarError) as exc:
        raise BackupError(f"the archive has no readable {MANIFEST}: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown archive format {manifest.get('format')!r}")
    return manifest


def extract_to(tar: tarfile.TarFile, member_name: str, target: Path) -> str:
    """Write one member to ``target``; returns its SHA-256."""
    try:
        member = tar.getmember(member_name)
    except (KeyError, tarfile.TarError) as exc:
        raise BackupError(f"the archive has no {member_name}") from exc
    source = tar.extractfile(member)
    if source is None:
        raise BackupError(f"{member_name} in the archive is not a file")
    digest = hashlib.sha256()
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as out:
        while block := source.read(CHUNK):
            digest.update(block)
            out.write(block)
    return digest.hexdigest()


def safe_media_path(name: str) -> str | None:
    """``media/a/b.pdf`` -> ``a/b.pdf``; None for anything outside ``media/`` or escaping it."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or len(path.parts) < 2 or path.parts[0] != MEDIA:
        return None
    return PurePosixPath(*path.parts[1:]).as_posix()


def extract_media(tar: tarfile.TarFile, root: Path, *, step=None) -> dict[str, str]:
    """Restore every stored file into ``root``; returns {relative path: SHA-256 written}."""
    found = {}
    for n, member in enumerate(tar.getmembers(), start=1):
        relative = safe_media_path(member.name)
        if relative is None or not member.isfile():
            continue
        found[relative] = extract_to(tar, member.name, root / relative)
        if step:
            step(n)
    return found
