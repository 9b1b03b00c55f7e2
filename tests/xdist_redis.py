"""Loaded with ``-p`` before Django's settings: under pytest-xdist each worker process (and
every Celery worker it starts, which inherits its environment) uses a Redis database of its
own, so that one process's real-broker tests never take another's tasks from a shared queue."""

import os
from urllib.parse import urlsplit, urlunsplit

_worker = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1", … ; unset without xdist
_url = os.environ.get("REDIS_URL", "")
if _worker.startswith("gw") and _url and not os.environ.get("REDIS_URL_OF_RUN"):
    parts = urlsplit(_url)
    base = int(parts.path.strip("/") or 0)
    db = base + 1 + int(_worker[2:])  # the run's own database stays the controller's
    os.environ["REDIS_URL_OF_RUN"] = _url
    os.environ["REDIS_URL"] = urlunsplit(parts._replace(path=f"/{db}"))
