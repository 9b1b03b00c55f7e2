"""R30: the half-yearly handover, by concept: ``services`` (the moves), ``selectors`` (reads),
``forms``, ``views`` and ``urls``. The models stay in ``documents.models``.

``from documents import handover`` still answers the services (the tests and the admin's
callers use them so)."""

from .services import *  # noqa: F403
from .services import __all__  # noqa: F401
