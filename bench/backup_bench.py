"""Time a backup (R44) against plain ``pg_dump -Fc`` plus ``tar`` of the same data, on
PostgreSQL with seeded data.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/archive_bench \\
        .venv/bin/python bench/backup_bench.py --units 20000 --files 2000

Creates the database if it is missing, migrates it and seeds it (``seed_demo`` up to
``--units`` dossiers), and writes ``--files`` stored files of about ``--file-kb`` KB each into
``var/bench-media`` (once). Then, ``--runs`` times each, in the same run:

- the backup as the job writes it (``backup_make(drill=False)``): the snapshot exported in a
  REPEATABLE READ transaction, ``pg_dump -Fc --snapshot``, every table counted in that
  transaction, the tar with every file's SHA-256 and the manifest, the rename;
- the baseline: plain ``pg_dump -Fc`` of the same database and ``tar -cf`` of the dump and the
  same media folder, left in the page cache as tar leaves it;
- for information, the same baseline with the tar then fsync'ed (the backup makes its archive
  reach the disk before it names it; the plain baseline does not).

Prints the medians and the ratio to the plain baseline, and the time of one restore drill for
information. Exits 1 if the backup's median is over ``--limit`` (default 1.5) times the plain
baseline's.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive_project.settings")
os.environ.setdefault("DEBUG", "1")
MEDIA = ROOT / "var" / "bench-media"
OUT = ROOT / "var" / "bench-backups"
os.environ["MEDIA_ROOT"] = str(MEDIA)
os.environ["BACKUP_ROOT"] = str(OUT)
os.environ["BACKUP_AGE_RECIPIENTS"] = ""

from search_bench import ensure_database, prepare  # noqa: E402


def media(count, kb):
    """``count`` stored files of about ``kb`` KB (scans compress badly: random bytes)."""
    have = sorted(MEDIA.rglob("*.pdf")) if MEDIA.exists() else []
    if len(have) >= count:
        return len(have)
    print(f"Writing {count - len(have)} stored files of {kb} KB...")
    for n in range(len(have), count):
        path = MEDIA / "documents" / f"{n // 500:03d}" / f"scan-{n:06d}.pdf"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"%PDF-1.4\n" + os.urandom(kb * 1024))
    return count


def timed(function, runs):
    timings = []
    for _ in range(runs):
        # Untimed: what an earlier run left in the page cache is written out first, so that no
        # run pays for the one before it (the plain baseline leaves ~400 MiB to write back).
        os.sync()
        started = time.perf_counter()
        function()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), timings


def baseline(db, work: Path, *, durable=True):
    from reports.backups.engines import Postgres

    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    dump = work / "database.dump"
    subprocess.run(
        ["pg_dump", "--format=custom", f"--file={dump}", f"--dbname={db['NAME']}"],
        env=Postgres._env(db),
        check=True,
    )
    plain = work / "plain.tar"
    subprocess.run(
        ["tar", "-cf", str(plain), "-C", str(work), dump.name, "-C", str(MEDIA), "."],
        check=True,
    )
    if durable:  # as the backup, which makes its archive reach the disk before naming it
        with open(plain, "rb") as handle:
            os.fsync(handle.fileno())
    shutil.rmtree(work)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=20_000)
    parser.add_argument("--files", type=int, default=2_000)
    parser.add_argument("--file-kb", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--limit", type=float, default=1.5, help="highest ratio to the baseline")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url:
        sys.exit("Set DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/archive_bench")
    ensure_database(url)

    import django

    django.setup()
    from reports.backups import engines, services
    from reports.backups.models import Backup

    dossiers = prepare(args.units, history=False)
    files = media(args.files, args.file_kb)
    db = engines.configured()
    size = sum(p.stat().st_size for p in MEDIA.rglob("*") if p.is_file())
    print(
        f"{dossiers} dossiers, {files} stored files ({size / 2**20:.0f} MiB); "
        f"median of {args.runs} runs\n"
    )

    def backup():
        made = services.backup_make(reason=Backup.Reason.ON_DEMAND, drill=False)
        assert made.status == Backup.Status.GOOD, made.error
        Path(services.archive_path(made)).unlink()
        backup.last = made

    backup.last = None
    shutil.rmtree(OUT, ignore_errors=True)
    plain, plain_runs = timed(lambda: baseline(db, OUT / "baseline", durable=False), args.runs)
    durable, durable_runs = timed(lambda: baseline(db, OUT / "baseline", durable=True), args.runs)
    ours, our_runs = timed(backup, args.runs)
    made = services.backup_make(reason=Backup.Reason.ON_DEMAND, drill=False)
    started = time.perf_counter()
    drilled = services.backup_drill(backup=made)
    drill = time.perf_counter() - started
    ratio = ours / plain
    print(f"{'measurement':<36} {'median s':>9}   runs")
    print(
        f"{'pg_dump -Fc + tar (baseline)':<36} {plain:>9.2f}   "
        + " ".join(f"{t:.2f}" for t in plain_runs)
    )
    print(
        f"{'  the same + fsync (information)':<36} {durable:>9.2f}   "
        + " ".join(f"{t:.2f}" for t in durable_runs)
    )
    print(
        f"{'backup (snapshot, counts, hashes)':<36} {ours:>9.2f}   "
        + " ".join(f"{t:.2f}" for t in our_runs)
    )
    print(f"{'ratio':<36} {ratio:>9.2f}")
    print(f"{'restore drill (one, for information)':<36} {drill:>9.2f}   {drilled.drill_status}")
    Backup.objects.filter(reason=Backup.Reason.ON_DEMAND).delete()
    shutil.rmtree(OUT, ignore_errors=True)
    if ratio > args.limit:
        print(f"\nThe backup takes {ratio:.2f}x the baseline, over {args.limit}x")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
