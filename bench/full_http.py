"""What ``bench/run`` measures on one seeded database: pages through gunicorn on loopback.

gunicorn runs with gunicorn.conf.py, DEBUG off, two sync workers, persistent database
connections (CONN_MAX_AGE), and BENCH_HELLO=1, which routes ``/bench/hello``: a view that
answers "hello" behind the same middleware as every page (session, user, session timeout,
CSP, history). Every request carries a logged-in session cookie and ``X-Forwarded-Proto:
https``, as the reverse proxy sends it. Each figure is taken in the same run as hello's, so
the ratio holds however busy the shared machine is.

- **Throughput**: for ``rounds`` rounds, hello and then each page for ``seconds`` each, from
  four client threads; requests per second, and the page's share of hello's in that round.
  The medians over the rounds are kept.
- **Search**: every kind of term of ``search_bench``, plus a single character and broad terms:
  the selector in this process (the first page and its capped count, as the list does) and
  the results page through gunicorn, one client, for a manager and for an administrator; p95.
- **Load**: ``load_users`` threads for ``load_seconds``, each a user with a session of its
  own, waiting 1–2 s between requests over a mixed workload; every request's time and status.
  On the two workers, then on the number gunicorn.conf.py starts in production.
"""

import http.client
import os
import random
import secrets
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
STATIC_ROOT = ROOT / "var" / "bench" / "static"
CLIENTS = 4  # threads that keep the two workers busy in a throughput round
SEARCH_RUNS = 40  # requests per term and user for a p95
BROAD_TERMS = ["王", "JX", "12", "有限公司"]
# (name, weight) of the mixed workload; a dossier page and a search are the front desk's day
WORKLOAD = [
    ("dossier list", 2),
    ("search", 4),
    ("dossier page", 4),
    ("complaint list", 1),
    ("arrears", 1),
    ("approvals inbox", 1),
    ("document list", 1),
]


def p95(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


# --- gunicorn ------------------------------------------------------------------------------------
def production_workers():
    """The number of workers ``gunicorn.conf.py`` starts without GUNICORN_WORKERS."""
    import runpy

    env = os.environ.pop("GUNICORN_WORKERS", None)
    try:
        return runpy.run_path(str(ROOT / "gunicorn.conf.py"))["workers"]
    finally:
        if env is not None:
            os.environ["GUNICORN_WORKERS"] = env


def start_gunicorn(port, secret_key, workers=2):
    """gunicorn with ``workers`` sync workers (``None``: gunicorn.conf.py's own number)."""
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": "127.0.0.1",
        "BENCH_HELLO": "1",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(workers or production_workers()),
        "GUNICORN_ACCESS_LOG": "",
        "LOG_LEVEL": "WARNING",
        "STATIC_ROOT": str(STATIC_ROOT),
    }
    if not (STATIC_ROOT / "staticfiles.json").exists():  # the manifest production serves from
        subprocess.run(  # noqa: S603 - our own command line
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"]
    command.append("archive_project.wsgi:application")
    server = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603 - our own command line
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if get(port, "/healthz", "")[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.5)
    server.terminate()
    raise RuntimeError("gunicorn did not answer /healthz within 60 s")


def get(port, path, cookie):
    """One GET on a new connection (sync workers close each one); (status, seconds)."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(
            "GET",
            path,
            headers={
                "Cookie": cookie,
                "X-Forwarded-Proto": "https",
                "Accept-Language": "zh-hans",
            },
        )
        response = connection.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    finally:
        connection.close()


# --- Sessions ------------------------------------------------------------------------------------
def bench_admin():
    from django.contrib.auth import get_user_model

    user, created = get_user_model().objects.get_or_create(
        username="bench_admin",
        defaults={"last_name": "管", "first_name": "理", "is_staff": True, "is_superuser": True},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def bench_archivist():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from core.roles import Role

    user, created = get_user_model().objects.get_or_create(
        username="bench_archivist", defaults={"last_name": "档", "first_name": "案"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=Role.ARCHIVIST))
    return get_user_model().objects.get(pk=user.pk)


def session_cookie(user):
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


# --- What is measured ----------------------------------------------------------------------------
def pages(big_pk, typical_pk):
    from django.urls import reverse

    return {
        "hello": "/bench/hello",
        "dossier list": reverse("customers:dossier_list"),
        "dossier page": reverse("customers:dossier_detail", args=[typical_pk]),
        "dossier page, 5,000 lines": reverse("customers:dossier_detail", args=[big_pk]),
        "complaint list": reverse("records:complaint_list"),
        "arrears": reverse("records:arrears_list"),
        "approvals inbox": reverse("records:approval_list"),
        "document list": reverse("documents:filing"),
    }


# The pages each role opens; every other page is the manager's.
AS_ARCHIVIST = {"document list"}


def role_of(name):
    return "archivist" if name in AS_ARCHIVIST else "manager"


def throughput(port, path, cookie, seconds):
    """Requests per second from CLIENTS threads for ``seconds``; (rps, errors)."""
    done, errors = [0], [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client():
        while time.perf_counter() < stop:
            try:
                status, _took = get(port, path, cookie)
            except OSError:
                status = 0
            with lock:
                done[0] += 1
                if status != 200:
                    errors[0] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done[0] / (time.perf_counter() - started), errors[0]


def measure_throughput(port, targets, cookies, rounds, seconds):
    rps = {name: [] for name in targets}
    ratios = {name: [] for name in targets}
    errors = dict.fromkeys(targets, 0)
    for name, path in targets.items():  # warm each page once (templates, connections)
        status, _took = get(port, path, cookies[role_of(name)])
        if status != 200:
            raise RuntimeError(f"{name} ({path}) answered {status}")
    for _round in range(rounds):
        for name, path in targets.items():
            if name == "hello":
                continue
            # hello just before each page: the machine's pace drifts within a round (other
            # work, a worker recycled after max_requests), and the share compares like with like
            hello, bad = throughput(port, targets["hello"], cookies["manager"], seconds)
            rps["hello"].append(hello)
            errors["hello"] += bad
            value, bad = throughput(port, path, cookies[role_of(name)], seconds)
            rps[name].append(value)
            ratios[name].append(value / hello)
            errors[name] += bad
    return {
        name: {
            "path": targets[name],
            "rps": statistics.median(rps[name]),
            "share": statistics.median(ratios[name]) if ratios[name] else 1.0,
            "errors": errors[name],
        }
        for name in targets
    }


def search_terms():
    from search_bench import sample_queries

    _pk, queries = sample_queries()
    broad = [("one character" if len(t) == 1 else "broad", t) for t in BROAD_TERMS]
    return queries, broad


def selector_p95(user, term):
    from customers.selectors import dossier_search_page

    def once():  # what the list runs: the page and its count, capped as the search is
        page = dossier_search_page(user=user, q=term)
        return len(page.object_list), page.paginator.count

    once()
    timings = []
    for _ in range(SEARCH_RUNS // 2):
        started = time.perf_counter()
        found = once()
        timings.append((time.perf_counter() - started) * 1000)
    return p95(timings), found[1]


def page_p95(port, path, cookie):
    get(port, path, cookie)
    timings, errors = [], 0
    for _ in range(SEARCH_RUNS):
        status, took = get(port, path, cookie)
        timings.append(took * 1000)
        errors += status != 200
    return p95(timings), errors


def measure_search(port, users, cookies):
    from django.urls import reverse

    queries, broad = search_terms()
    rows = []
    for kind, term in [*queries, *broad]:
        row = {"kind": kind, "term": term}
        path = f"{reverse('customers:dossier_list')}?q={quote(term)}"
        for role in ("manager", "admin"):
            row[f"{role} search p95"], row["found"] = selector_p95(users[role], term)
            row[f"{role} page p95"], row[f"{role} errors"] = page_p95(port, path, cookies[role])
        rows.append(row)
    return rows


def measure_load(port, targets, terms, dossier_paths, cookies, users, seconds):
    """``users`` threads, each with its own session, for ``seconds``: every request timed."""
    names = [n for n, _w in WORKLOAD]
    weights = [w for _n, w in WORKLOAD]
    records, lock = [], threading.Lock()
    stop = time.perf_counter() + seconds

    def user(index):
        rng = random.Random(index)  # noqa: S311 - a workload, not a secret
        own = cookies[index]
        time.sleep(rng.uniform(0, 2))  # the users arrive over the first two seconds
        while time.perf_counter() < stop:
            name = rng.choices(names, weights)[0]
            if name == "search":
                path = f"{targets['dossier list']}?q={quote(rng.choice(terms))}"
            elif name == "dossier page":
                path = rng.choice(dossier_paths)
            else:
                path = targets[name]
            try:
                status, took = get(port, path, own[role_of(name)])
            except OSError:
                status, took = 0, 30.0
            with lock:
                records.append((name, status, took * 1000))
            time.sleep(rng.uniform(1.0, 2.0))

    started = time.perf_counter()
    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    by_page = {}
    for name, _status, took in records:
        by_page.setdefault(name, []).append(took)
    return {
        "users": users,
        "seconds": seconds,
        "requests": len(records),
        "rps": len(records) / elapsed,
        "errors": sum(1 for _n, status, _t in records if status != 200),
        "p50": statistics.median(t for _n, _s, t in records),
        "p95": p95([t for _n, _s, t in records]),
        "pages": {name: {"requests": len(v), "p95": p95(v)} for name, v in by_page.items()},
    }


def visible_dossier_paths(user, count):
    from django.urls import reverse

    from customers.permissions import dossier_visible_to

    ids = list(dossier_visible_to(user).order_by("?").values_list("pk", flat=True)[:count])
    return [reverse("customers:dossier_detail", args=[pk]) for pk in ids]


def machine():
    import platform

    import django
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        buffers = cursor.fetchone()[0]
        cursor.execute("SHOW random_page_cost")
        page_cost = cursor.fetchone()[0]
    import gunicorn

    load = os.getloadavg()
    return {
        "cpus": os.cpu_count(),
        "memory GiB": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30),
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": gunicorn.__version__,
        "postgresql": postgres,
        "shared_buffers": buffers,
        "random_page_cost": page_cost,
        "load average": [round(x, 1) for x in load],
        "kernel": platform.release(),
    }


def measure_all(args, units):
    """Everything for one database: returns what the report needs."""
    import records_bench
    from django.db import connection

    manager = records_bench.manager_user()
    users = {"manager": manager, "admin": bench_admin(), "archivist": bench_archivist()}
    cookies = {role: session_cookie(user) for role, user in users.items()}
    big = records_bench.big_dossier()
    typical = visible_dossier_paths(manager, 200)
    targets = pages(big.pk, int(typical[0].rstrip("/").rsplit("/", 1)[1]))
    load_cookies = [
        {"manager": session_cookie(manager), "archivist": session_cookie(users["archivist"])}
        for _ in range(args.load_users)
    ]
    queries, broad = search_terms()
    connection.close()  # the seeding's connection is not needed by gunicorn's workers
    secret_key = os.environ["SECRET_KEY"]
    server = start_gunicorn(args.port, secret_key)
    try:
        started = time.perf_counter()
        print(f"[{units}] throughput, {args.rounds} rounds...", flush=True)
        result = {"machine": machine()}
        result["pages"] = measure_throughput(args.port, targets, cookies, args.rounds, args.seconds)
        print(f"[{units}] search...", flush=True)
        result["search"] = measure_search(args.port, users, cookies)
        terms = [t for _k, t in [*queries, *broad]]
        result["load"] = []
        # the load with the pages' two workers, then with the workers production starts
        for workers in (2, production_workers()):
            if workers != 2:
                server.terminate()
                server.wait(timeout=60)
                server = start_gunicorn(args.port, secret_key, workers)
            print(
                f"[{units}] load, {args.load_users} users for {args.load_seconds:g} s, "
                f"{workers} workers...",
                flush=True,
            )
            load = measure_load(
                args.port, targets, terms, typical, load_cookies, args.load_users, args.load_seconds
            )
            result["load"].append({**load, "workers": workers})
        result["measured in s"] = round(time.perf_counter() - started)
        result["machine"]["load average after"] = [round(x, 1) for x in os.getloadavg()]
    finally:
        server.terminate()
        server.wait(timeout=60)
    return result


def use_secret_key():
    """One SECRET_KEY for this process and gunicorn's: the sessions made here are signed
    with it."""
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
