"""Probes behind /healthz: the database decides the status code, the broker is reported.

``status`` is ``ok`` when both answer, ``degraded`` when only the broker is down (pages work;
tasks and e-mails wait for the sweep), ``error`` when the database is down (503).
"""

from django.conf import settings
from django.db import connections


def database_status(alias: str = "default") -> tuple[bool, str]:
    # A fresh connection, so the probe says whether the database answers *now*.
    conn = connections.create_connection(alias)
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True, "ok"
    except Exception as exc:  # any failure to connect or query is "down"
        return False, exc.__class__.__name__
    finally:
        conn.close()


def broker_status() -> tuple[bool, str]:
    if not settings.REDIS_URL:
        return True, "in-process"
    import redis

    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
        )
        client.ping()
        return True, "ok"
    except Exception as exc:
        return False, exc.__class__.__name__


def overall_status(*, db_ok: bool, broker_ok: bool) -> str:
    if not db_ok:
        return "error"
    return "ok" if broker_ok else "degraded"
