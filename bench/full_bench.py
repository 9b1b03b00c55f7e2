"""``bench/run``: seed, measure and write docs/PERFORMANCE.md, in one command.

    bench/run                         # 20,000 and 100,000 units
    bench/run --units 20000           # one size only

For each ``--units`` it seeds a PostgreSQL database of its own (``<prefix>_<units>``, created on
the server of DATABASE_URL, reused on a re-run; ``bench/full_seed.py``), starts gunicorn on it
with the production settings and two sync workers, and measures through loopback HTTP, in the
same run and against the hello view of the same process (``BENCH_HELLO=1``,
``bench/full_http.py``): each page's requests per second as a share of hello's, the search's
own time and its results page's for every kind of search term, and 50 users for 60 s over a
mixed workload (on the two workers, then on production's number of them). Then it writes the
figures into docs/PERFORMANCE.md between its markers.
"""

import argparse
import json
import os
import sys
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive_project.settings")
os.environ.setdefault("DEBUG", "1")  # the seeding and the in-process timings; gunicorn runs with 0

RESULTS = ROOT / "var" / "bench"


def database_url(base, prefix, units):
    parsed = urlparse(base)
    return urlunparse(parsed._replace(path=f"/{prefix}_{units}"))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--units", default="20000,100000", help="sizes, comma-separated (default 20000,100000)"
    )
    parser.add_argument("--db-prefix", default="archive_bench", help="database name prefix")
    parser.add_argument("--seed-only", action="store_true", help="seed, measure nothing")
    parser.add_argument("--port", type=int, default=8091, help="gunicorn's loopback port")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of page throughput")
    parser.add_argument("--seconds", type=float, default=3.0, help="length of one round")
    parser.add_argument("--load-users", type=int, default=50)
    parser.add_argument("--load-seconds", type=float, default=60.0)
    parser.add_argument("--no-write", action="store_true", help="leave docs/PERFORMANCE.md")
    return parser.parse_args()


def run_size(args, units, url):
    """Seed (or reuse) the database of ``units`` and measure it; runs in a child process so
    that Django is set up once per database."""
    import subprocess

    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"{units}.json"
    command = [sys.executable, __file__, "--one", str(units), "--out", str(out)]
    command += sys.argv[1:]
    subprocess.run(command, check=True, env={**os.environ, "DATABASE_URL": url})
    return json.loads(out.read_text())


def one_size(args, units, out):
    from search_bench import ensure_database

    ensure_database(os.environ["DATABASE_URL"])
    import full_http

    full_http.use_secret_key()
    import django

    django.setup()
    import full_seed

    sizes = full_seed.seed(units)
    result = {"units": units, "sizes": sizes}
    if not args.seed_only:
        result.update(full_http.measure_all(args, units))
    Path(out).write_text(json.dumps(result, ensure_ascii=False, indent=1))


def main():
    if "--one" in sys.argv:  # the child process of one size
        index = sys.argv.index("--one")
        units, out = int(sys.argv[index + 1]), sys.argv[index + 3]
        del sys.argv[index : index + 4]
        one_size(parse_args(), units, out)
        return 0
    args = parse_args()
    base = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    if urlparse(base).scheme not in ("postgres", "postgresql", "pgsql"):
        sys.exit("DATABASE_URL must point at a PostgreSQL server")
    results = []
    for units in [int(u) for u in args.units.split(",")]:
        results.append(run_size(args, units, database_url(base, args.db_prefix, units)))
    if not args.seed_only and not args.no_write:
        import full_report

        command = " ".join(["bench/run", *sys.argv[1:]])
        full_report.write(results, ROOT / "docs" / "PERFORMANCE.md", command=command)
    return 0


if __name__ == "__main__":
    sys.exit(main())
