"""gunicorn's settings for the web process (docker-compose's ``web``, the image's command and
``bench/run``): ``gunicorn -c gunicorn.conf.py archive_project.wsgi:application``.

Sync workers: every page is a few short queries and a template, so a worker is busy on the CPU
for the whole request and threads would only contend for the GIL. Each worker keeps its own
database connection open between requests (``CONN_MAX_AGE``, settings).
"""

import multiprocessing
import os


def _int(name, default):
    return int(os.environ.get(name) or default)


bind = os.environ.get("GUNICORN_BIND") or "0.0.0.0:8000"
# Two per CPU plus one: a worker waiting on PostgreSQL leaves its CPU to another.
workers = _int("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"
# A request that runs longer than this is killed and logged; the longest pages (a year's loan
# register as a PDF, bench/README.md) take about 5 s.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
keepalive = 5  # seconds an idle connection from the reverse proxy stays open
# A worker is replaced after this many requests (with jitter, so they do not restart together):
# what a long-running process may leak is given back.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10
# The app is imported once, by the master, and each worker forked from it: a worker replaced
# after max_requests starts at once instead of importing Django and the app again (1.5 s of CPU,
# as much as 2,000 short requests take; docs/PERFORMANCE.md). Nothing opens a database or
# broker connection at import, so none is shared across the fork. A new release is deployed
# by restarting the process (docker-compose does), not by a HUP.
preload_app = True
# The heartbeat file lives in memory: a container's /tmp may be an overlay that stalls workers.
_SHM = "/dev/shm"  # noqa: S108 - gunicorn's heartbeat files, not data
worker_tmp_dir = _SHM if os.path.isdir(_SHM) else None
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
