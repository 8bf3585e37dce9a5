"""Whole-process timings of daigou commands against ledgers of several sizes.

    python benchmarks/run.py                          # sizes 1000,10000,100000
    python benchmarks/run.py --sizes 10000 --runs 20 --markdown results.md

Each ledger is built once by build_ledger.py into --dir (reused on later runs). Reads run
against it; writes run against a copy, so the read ledgers stay as built. Uses hyperfine
when it is on PATH (unless --no-hyperfine), else a loop of subprocess runs; either way the
the median and fastest wall time and the median CPU time (user + system) are reported in
ms, with `python -c pass` and `import typer` as the floor. CPU time is the steadier number
on a busy machine.
"""

import argparse
import json
import os
import resource
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import build_ledger  # noqa: E402


def daigou_executable(given: str | None) -> list[str]:
    """The console script next to this interpreter (a pyenv shim adds ~80 ms per call)."""
    if given:
        return [given]
    beside = Path(sys.executable).with_name("daigou")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("daigou")
    return [found] if found else [sys.executable, "-m", "daigou_cli"]


def ledger(directory: Path, size: int) -> Path:
    path = directory / f"ledger-{size}.db"
    if not path.exists():
        started = time.perf_counter()
        counts = build_ledger.build(path, size)
        print(f"built {path.name}: {counts['movements']:,} movements, {counts['lots']:,} lots, "
              f"{counts['products']} products in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    return path


def busiest_sku(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT sku FROM movements GROUP BY sku ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    finally:
        conn.close()


def commands(daigou: list[str], read_db: Path, write_db: Path, sku: str) -> list[tuple[str, list[str]]]:
    r = [*daigou, "--db", str(read_db)]
    w = [*daigou, "--db", str(write_db)]
    return [
        ("daigou --help", [*daigou, "--help"]),
        ("stock list --format csv", [*r, "stock", "list", "--format", "csv"]),
        ("stock lots --format csv", [*r, "stock", "lots", "--format", "csv"]),
        ("stock history SKU --format csv", [*r, "stock", "history", sku, "--format", "csv"]),
        ("stock add SKU 1 --cost 100 -l SH", [*w, "stock", "add", sku, "1", "--cost", "100", "-l", "SH", "-q"]),
        ("stock add ... --at 2026-11-01T10:00", [*w, "stock", "add", sku, "1", "--cost", "100", "-l", "SH",
                                                 "--at", "2026-11-01T10:00", "-q"]),
        ("db check", [*r, "db", "check"]),
    ]


def floor_commands() -> list[tuple[str, list[str]]]:
    return [("python -c pass", [sys.executable, "-c", "pass"]),
            ("python -c 'import typer'", [sys.executable, "-c", "import typer"])]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (usage.ru_utime + usage.ru_stime) * 1000


def time_loop(argv: list[str], runs: int, warmup: int, env: dict) -> dict:
    wall, cpu = [], []
    for n in range(warmup + runs):
        cpu_before = _children_cpu()
        started = time.perf_counter()
        done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        took = (time.perf_counter() - started) * 1000
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} exited {done.returncode}: {done.stderr.decode().strip()}")
        if n >= warmup:
            wall.append(took)
            cpu.append(_children_cpu() - cpu_before)
    return {"median": statistics.median(wall), "min": min(wall), "cpu": statistics.median(cpu)}


def time_hyperfine(argv: list[str], runs: int, warmup: int, env: dict) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        subprocess.run(["hyperfine", "-N", "--style", "none", "--warmup", str(warmup), "--runs", str(runs),
                        "--export-json", str(out), shlex.join(argv)],
                       check=True, stdout=subprocess.DEVNULL, env=env)
        result = json.loads(out.read_text())["results"][0]
        # hyperfine gives mean user/system times only.
        return {"median": result["median"] * 1000, "min": result["min"] * 1000,
                "cpu": (result["user"] + result["system"]) * 1000}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="movements per ledger, comma-separated")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--dir", default=str(Path(tempfile.gettempdir()) / "daigou-bench"),
                        help="where ledgers are built and kept")
    parser.add_argument("--daigou", help="the daigou executable (default: the one beside this Python)")
    parser.add_argument("--no-hyperfine", action="store_true", help="time with a Python loop even if hyperfine exists")
    parser.add_argument("--markdown", help="also write the table to this file")
    args = parser.parse_args(argv)

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    directory = Path(args.dir)
    directory.mkdir(parents=True, exist_ok=True)
    use_hyperfine = shutil.which("hyperfine") is not None and not args.no_hyperfine
    timer = time_hyperfine if use_hyperfine else time_loop
    env = {k: v for k, v in os.environ.items() if k not in ("DAIGOU_DB", "DAIGOU_FORMAT")}
    daigou = daigou_executable(args.daigou)

    load_before = " ".join(f"{x:.1f}" for x in os.getloadavg())
    results: dict[str, dict[int, dict]] = {}
    for name, cmd in floor_commands():
        results.setdefault(name, {})[0] = timer(cmd, args.runs, args.warmup, env)
    for size in sizes:
        read_db = ledger(directory, size)
        write_db = directory / f"scratch-{size}.db"
        shutil.copyfile(read_db, write_db)
        sku = busiest_sku(read_db)
        for name, cmd in commands(daigou, read_db, write_db, sku):
            t = timer(cmd, args.runs, args.warmup, env)
            results.setdefault(name, {})[size] = t
            print(f"{size:>8,}  {name:<40} {t['median']:7.0f} ms (min {t['min']:.0f}, cpu {t['cpu']:.0f})",
                  file=sys.stderr)
        write_db.unlink()
        for suffix in ("-wal", "-shm"):
            Path(str(write_db) + suffix).unlink(missing_ok=True)

    header = "| command | " + " | ".join(f"{s:,} movements" for s in sizes) + " |"
    lines = [f"{args.runs} runs after {args.warmup} warm-up, {'hyperfine' if use_hyperfine else 'subprocess loop'}; "
             f"daigou = {' '.join(daigou)}; load average before: {load_before}"]
    titles = {"median": "Median wall time, ms", "min": "Fastest wall time, ms",
              "cpu": "CPU time (user + system), ms" + (" (hyperfine: mean)" if use_hyperfine else " (median)")}
    for stat, title in titles.items():
        lines += ["", title, "", header, "|---|" + "---:|" * len(sizes)]
        for name, by_size in results.items():
            cells = [f"{by_size.get(s, by_size.get(0))[stat]:.0f}" for s in sizes]
            lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    table = "\n".join(lines)
    print(table)
    if args.markdown:
        Path(args.markdown).write_text(table + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
