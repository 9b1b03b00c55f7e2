"""``bench/run``'s figures as Markdown, written into docs/PERFORMANCE.md between its markers.

Only the part between ``BEGIN`` and ``END`` is replaced; the rest of the file (what was slow
and what was done about it) is written by hand. Without the markers the part goes after the
file's first paragraph.
"""

import datetime

BEGIN = "<!-- bench/run: begin (generated, do not edit by hand) -->"
END = "<!-- bench/run: end -->"

# page: the least share of hello's requests per second it must reach
PAGE_TARGETS = {
    "dossier list": 0.15,
    "dossier page": 0.20,
    "dossier page, 5,000 lines": None,
    "complaint list": 0.15,
    "arrears": 0.15,
    "approvals inbox": 0.15,
    "document list": 0.15,
}
SEARCH_LIMIT, PAGE_LIMIT, BROAD_LIMIT = 50.0, 100.0, 150.0  # ms, p95
ROLE_RATIO = 1.5  # a non-admin's results page within this many times an admin's
GROWTH = 1.5  # the most a page may cost more at the largest size than at the smallest
LOAD_P95 = 300.0


def _n(value):
    return f"{value:,}"


def _ms(value):
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}"


def _ok(good):
    return "yes" if good else "**no**"


def machine_part(results):
    first = results[0]["machine"]
    lines = [
        f"- {first['cpus']} CPUs and {first['memory GiB']} GiB, **shared with other engineers' "
        "work**: the load average before and after each size is below. Absolute figures vary "
        "by ±30 % between runs; the shares of hello's throughput, each taken against the hello "
        "measured just before it, are what the targets are about.",
        f"- Python {first['python']}, Django {first['django']}, gunicorn {first['gunicorn']} "
        "(`gunicorn.conf.py`, 2 sync workers, and for the load also production's number, DEBUG "
        "off, `CONN_MAX_AGE` 60, "
        "`CONN_HEALTH_CHECKS`), PostgreSQL "
        f"{first['postgresql'].split(' ')[0]} with its default configuration "
        f"(`shared_buffers` {first['shared_buffers']}, `random_page_cost` "
        f"{first['random_page_cost']}), `jit=off` on the app's connections; kernel "
        f"{first['kernel']}.",
    ]
    for result in results:
        m = result["machine"]
        before = " / ".join(str(x) for x in m["load average"])
        after = " / ".join(str(x) for x in m["load average after"])
        lines.append(
            f"- {_n(result['units'])} units: load average {before} before, {after} after "
            f"({result['measured in s']} s of measuring)."
        )
    return lines


def sizes_part(results):
    labels = list(results[0]["sizes"])
    head = "| rows | " + " | ".join(_n(r["units"]) + " units" for r in results) + " |"
    lines = [head, "|---|" + "---:|" * len(results)]
    for label in labels:
        cells = []
        for r in results:
            value = r["sizes"][label]
            cells.append(f"{value / 2**20:,.0f} MiB" if label == "database bytes" else _n(value))
        shown = "database size" if label == "database bytes" else label
        lines.append(f"| {shown} | " + " | ".join(cells) + " |")
    return lines


def pages_part(results):
    small, large = results[0], results[-1]
    head = "| page | target | " + " | ".join(f"{_n(r['units'])}: req/s | share" for r in results)
    growth = len(results) > 1
    head += " | cost × (growth) | in its own time × | met |" if growth else " | met |"
    lines = [
        head,
        "|---|---:|" + "---:|---:|" * len(results) + ("---:|---:|---|" if growth else "---|"),
    ]
    misses = []
    for name in small["pages"]:
        target = PAGE_TARGETS.get(name)
        cells = []
        for r in results:
            page = r["pages"][name]
            cells.append(f"{page['rps']:.0f} | {page['share'] * 100:.0f} %")
        row = f"| {name} | " + (f"≥ {target * 100:.0f} %" if target else "") + " | "
        row += " | ".join(cells)
        good = True
        if name != "hello":
            share = large["pages"][name]["share"]
            good = target is None or share >= target
            if growth:
                cost = small["pages"][name]["share"] / share
                own = small["pages"][name]["rps"] / large["pages"][name]["rps"]
                row += f" | {cost:.2f} | {own:.2f}"
                good = good and (target is None or cost <= GROWTH)
        elif growth:
            row += " | | "
        if any(r["pages"][name]["errors"] for r in results):
            good = False
            row += " (errors: " + ", ".join(str(r["pages"][name]["errors"]) for r in results)
            row += ")"
        row += f" | {_ok(good) if name != 'hello' and target else ''} |"
        if not good:
            misses.append(name)
        lines.append(row)
    return lines, misses


def search_part(results):
    lines = []
    misses = []
    for r in results:
        lines += [
            f"{_n(r['units'])} units. p95 in ms over 20 runs of the selector (in process) and "
            "40 requests of the results page (one client), for a manager and an administrator:",
            "",
            "| kind | term | found | search, manager | search, admin | page, manager "
            "| page, admin | manager ÷ admin | met |",
            "|---|---|---:|---:|---:|---:|---:|---:|---|",
        ]
        for row in r["search"]:
            broad = row["kind"] in ("one character", "broad")
            ratio = row["manager page p95"] / row["admin page p95"]
            if broad:
                good = max(row["manager page p95"], row["admin page p95"]) <= BROAD_LIMIT
            else:
                good = (
                    max(row["manager search p95"], row["admin search p95"]) <= SEARCH_LIMIT
                    and max(row["manager page p95"], row["admin page p95"]) <= PAGE_LIMIT
                    and ratio <= ROLE_RATIO
                )
            good = good and not row["manager errors"] and not row["admin errors"]
            if not good:
                misses.append(f"{row['kind']} at {_n(r['units'])}")
            found = _n(row["found"]) + ("+" if row["found"] > 10_000 else "")
            lines.append(
                f"| {row['kind']} | `{row['term']}` | {found} | {_ms(row['manager search p95'])} "
                f"| {_ms(row['admin search p95'])} | {_ms(row['manager page p95'])} "
                f"| {_ms(row['admin page p95'])} | {ratio:.2f} | {_ok(good)} |"
            )
        lines.append("")
    return lines, misses


def load_part(results):
    """The load with the pages' two workers, and with the workers gunicorn.conf.py starts in
    production (2 x CPUs + 1): the target is the production one's."""
    lines = [
        "| units | workers | users | s | requests | req/s | errors | p50 ms | p95 ms | met |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    misses = []
    for r in results:
        runs = r["load"]
        for index, load in enumerate(runs):
            production = index == len(runs) - 1
            good = load["errors"] == 0 and load["p95"] <= LOAD_P95
            if production and not good:
                misses.append(f"load at {_n(r['units'])} ({load['workers']} workers)")
            lines.append(
                f"| {_n(r['units'])} | {load['workers']}{'' if production else ' (as the pages)'} "
                f"| {load['users']} | {load['seconds']:g} | {_n(load['requests'])} "
                f"| {load['rps']:.1f} | {load['errors']} | {_ms(load['p50'])} | {_ms(load['p95'])} "
                f"| {_ok(good) if production else ('yes' if good else 'no')} |"
            )
    for load in results[-1]["load"]:
        lines += [
            "",
            f"p95 per page at {_n(results[-1]['units'])} units, {load['workers']} workers: "
            + ", ".join(
                f"{name} {_ms(v['p95'])} ms ({v['requests']})" for name, v in load["pages"].items()
            )
            + ".",
        ]
    return lines, misses


def render(results, command):
    pages, page_misses = pages_part(results)
    search, search_misses = search_part(results)
    load, load_misses = load_part(results)
    misses = page_misses + search_misses + load_misses
    today = datetime.date.today().isoformat()
    lines = [
        BEGIN,
        "## One command: `bench/run`",
        "",
        f"Written by `{command}` on {today} (`bench/README.md` says what it does). Every figure "
        "in this section comes from that one run.",
        "",
        "### Machine",
        "",
        *machine_part(results),
        "",
        "### Data",
        "",
        "Seeded by `bench/full_seed.py`, with the history rows that real use writes (a `+` for "
        "every record, a `~` for every one closed since).",
        "",
        *sizes_part(results),
        "",
        "### Pages against hello",
        "",
        "Requests per second through gunicorn on loopback from four client threads, the median "
        "of the rounds, and the share of the hello measured just before it, for as long, in "
        "each round (hello: `/bench/hello`, the "
        "same middleware and session, no query of its own). *Cost ×* is how much more a page "
        "costs at the largest size than at the smallest, in hello's time: the smaller share "
        f"over the larger (target ≤ {GROWTH:g}). *In its own time ×* is the same without hello: "
        "the page's requests per second at the smallest size over those at the largest. The two "
        "differ by how much hello's own rate moved between the sizes' runs; *met* reads the "
        "first.",
        "",
        *pages,
        "",
        "### Search",
        "",
        f"Targets: the search ≤ {SEARCH_LIMIT:g} ms and its page ≤ {PAGE_LIMIT:g} ms at p95, "
        f"a manager's page within {ROLE_RATIO:g}× an administrator's; a single character or "
        f"a broad term ≤ {BROAD_LIMIT:g} ms (it stops at `customers.selectors.SEARCH_CAP`, "
        "5,000 dossiers, and says 'more than 5,000').",
        "",
        *search,
        "### 50 users",
        "",
        "Each user a thread with a session of its own, 1–2 s between requests, over dossier "
        "pages and searches (4 each), the dossier list (2), the complaint list, arrears, the "
        f"approvals inbox and the document list (1 each). Target: no error, p95 ≤ {LOAD_P95:g} "
        "ms, with the workers gunicorn.conf.py starts in production (2 × CPUs + 1); the same "
        "load on the two workers of the page measurements is shown beside it.",
        "",
        *load,
        "",
        "### Targets not met in this run",
        "",
        ("- " + "\n- ".join(misses)) if misses else "None.",
        "",
        END,
    ]
    return "\n".join(lines) + "\n"


def write(results, path, command="bench/run"):
    text = path.read_text() if path.exists() else "# Performance at 100,000 units\n\n"
    part = render(results, command)
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        _old, tail = rest.split(END, 1)
        text = head + part + tail.lstrip("\n")
    else:
        first, _sep, rest = text.partition("\n\n")
        intro, _sep2, rest = rest.partition("\n\n")
        text = f"{first}\n\n{intro}\n\n{part}\n{rest}"
    path.write_text(text)
    print(f"Wrote {path}.")
