"""A backup before a risky operation (R44): a destruction's execution, a bulk import.

``core`` cannot make backups (they belong to ``reports``, the top floor, which lower apps may
not import), so the app that makes them registers one function from its ``AppConfig.ready``:

    register_backup(fn)   # fn(operation, *, actor, wait) -> str, or raises BackupRefused

and the risky operations ask ``backup_before(operation, actor=..., wait=...)`` first:

- ``wait=True`` (a worker: the destruction's execution task): use a good backup made in the
  last ``BACKUP_FRESH_MINUTES``, or make one now and wait for it. Raises ``BackupRefused``
  when none could be made; the operation does not start.
- ``wait=False`` (a web request: the admin's import): use a fresh good backup, or queue one
  and raise ``BackupRefused`` saying so. Long work never runs inside a request.

It returns a line naming the backup used, or ``""`` when no app makes backups (a project
without ``reports``: the operation goes on, and the missing safeguard is logged).
"""

import logging
from collections.abc import Callable

from .workflow import DomainError

__all__ = ["DESTRUCTION", "IMPORT", "BackupRefused", "register_backup", "backup_before"]

logger = logging.getLogger(__name__)

# The risky operations (the backups' reasons name them too).
DESTRUCTION = "destruction"
IMPORT = "import"

_TAKERS: list[Callable] = []


class BackupRefused(DomainError):
    """No good backup could be had before a risky operation; the message says why."""


def register_backup(fn: Callable) -> None:
    """Add ``fn(operation, *, actor, wait) -> str``; registering it twice changes nothing."""
    if fn not in _TAKERS:
        _TAKERS.append(fn)


def backup_before(operation: str, *, actor, wait: bool = True) -> str:
    """Make sure a good, fresh backup exists before ``operation`` (see the module's text)."""
    if not _TAKERS:
        logger.warning("no backup before %s: no app makes backups", operation)
        return ""
    return "；".join(str(fn(operation, actor=actor, wait=wait)) for fn in _TAKERS)
