"""The kinds of timeline line (R6), registered by the app that writes them.

``customers`` registers its own (move-in and move-out, household, contact, customer data); the
apps above it register theirs from their ``AppConfig.ready`` (``register``), so a new app adds
a kind without a line changed here. ``DossierEvent.kind`` takes its choices from ``choices``
(a callable: adding a kind needs no migration) and the timeline's filter offers them.
"""

_KINDS: dict[str, object] = {}


def register(choices) -> None:
    """Add the kinds of a ``TextChoices`` class (or ``(value, label)`` pairs)."""
    for value, label in getattr(choices, "choices", choices):
        _KINDS[value] = label


def choices() -> list[tuple[str, object]]:
    return list(_KINDS.items())


def values() -> list[str]:
    return list(_KINDS)
