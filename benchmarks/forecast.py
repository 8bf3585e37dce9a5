"""The forecast benchmark (issue 8): seeded synthetic demand for 2,000 SKUs × 730 days, loaded
through `daigou history import`, forecast by `daigou report forecast` run as whole processes,
and scored against the held-back truth.

    python benchmarks/forecast.py                      # seed 8, 2,000 SKUs, 730 days
    python benchmarks/forecast.py --skus 300 --json out.json

Scores (RMSSE averaged over SKUs; lower is better; "vs naive" is 1 − ours / seasonal naive's):
  * last 28 days: forecast at the last day of history, compared with the 28 days after it;
  * Double 11 and Chinese New Year: forecasts at 14 days before each (with --as-of, the later
    history in the ledger stays hidden), compared with the 28 days from there;
  * reorder-point coverage: at 4 origins 28 days apart, the share of SKUs whose demand over a
    lead time (drawn around the SKU's lead_days with a spread of config lead_time_cv)
    stayed at or under the reorder point: 95% is the target at service_level 0.95;
  * time and peak memory of `report forecast` for every SKU, as a whole process.
"""

import argparse
import csv
import io
import itertools
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import forecast_data  # noqa: E402

FIRST = date(2023, 4, 1)
HORIZON = 28
CHUNK = 100          # SKUs per history import


def daigou() -> list[str]:
    beside = Path(sys.executable).with_name("daigou")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("daigou")
    return [found] if found else [sys.executable, "-m", "daigou_cli"]


def run(db: Path, args: list[str], stdin: str | None = None) -> str:
    done = subprocess.run([*daigou(), "--db", str(db), *args], input=stdin, capture_output=True, text=True)
    if done.returncode not in (0, 1):
        raise SystemExit(f"daigou {' '.join(args)} failed ({done.returncode}): {done.stderr.strip()}")
    return done.stdout


def rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def build(db: Path, skus, series, days: int) -> float:
    """Products, tags and the history up to the last day, through the CLI; returns seconds."""
    started = time.perf_counter()
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["sku", "name", "category", "lead_days"])
    for s in skus:
        w.writerow([s.sku, f"{s.category} {s.kind} {s.sku}", s.category, s.lead_days])
    run(db, ["product", "import", "-", "-q"], out.getvalue())
    for category, events in forecast_data.TAGS.items():
        run(db, ["history", "tag", "--category", category, *[a for e in events for a in ("--event", e)], "-q"])
    for lo in range(0, len(skus), CHUNK):
        out = io.StringIO()
        out.write("date,sku,qty\n")
        for s in skus[lo:lo + CHUNK]:
            y = series[s.sku]
            for t in range(days):
                if y[t]:
                    out.write(f"{FIRST + timedelta(days=t)},{s.sku},{y[t]}\n")
        run(db, ["history", "import", "-", "-q"], out.getvalue())
    return time.perf_counter() - started


def timed(db: Path, args: list[str], runs: int = 3) -> tuple[float, float, str]:
    """Median wall seconds and peak RSS (MB) of a whole `daigou` process."""
    walls, peaks, text = [], [], ""
    probe = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
             "p = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
             "w = time.perf_counter() - t; sys.stderr.write(f'{w} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}\\n'); "
             "sys.stdout.write(p.stdout)")
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-c", probe, *daigou(), "--db", str(db), *args],
                              capture_output=True, text=True)
        wall, rss = done.stderr.split()[-2:]
        walls.append(float(wall))
        peaks.append(int(rss) / 1024)
        text = done.stdout
    return statistics.median(walls), max(peaks), text


def rmsse(actual, forecast, history) -> float | None:
    diffs = [(b - a) ** 2 for a, b in itertools.pairwise(history)]
    scale = sum(diffs) / len(diffs) if diffs else 0
    if not scale:
        return None
    return (sum((a - f) ** 2 for a, f in zip(actual, forecast, strict=True)) / len(actual) / scale) ** 0.5


def score(db: Path, skus, series, origin: date) -> dict:
    """Mean RMSSE of the forecast and of seasonal naive over the 28 days after `origin`."""
    t0 = (origin - FIRST).days + 1
    result = {}
    for method in ("auto", "seasonal_naive"):
        got: dict[str, list[float]] = {}
        for r in rows(run(db, ["report", "forecast", "--daily", "--as-of", origin.isoformat(),
                               "--method", method, "--format", "csv"])):
            got.setdefault(r["sku"], []).append(float(r["forecast"]))
        by_kind: dict[str, list[float]] = {}
        for s in skus:
            y = series[s.sku]
            sold = [i for i in range(t0) if y[i]]
            if not sold:
                continue
            value = rmsse(y[t0:t0 + HORIZON], got[s.sku], y[sold[0]:t0])
            if value is not None:
                by_kind.setdefault(s.kind, []).append(value)
                by_kind.setdefault("all", []).append(value)
        result[method] = {k: statistics.mean(v) for k, v in by_kind.items()}
    ours, naive = result["auto"], result["seasonal_naive"]
    return {k: {"rmsse": round(ours[k], 4), "seasonal_naive": round(naive[k], 4),
                "vs_naive": round(1 - ours[k] / naive[k], 4)} for k in ours}


def coverage(db: Path, skus, series, last: date, rng: random.Random, cv: float = 0.2) -> dict:
    hits: dict[str, list[int]] = {}
    kinds = {s.sku: s for s in skus}
    for k in range(4):
        origin = last - timedelta(days=k * HORIZON)
        t0 = (origin - FIRST).days + 1
        for r in rows(run(db, ["report", "forecast", "--as-of", origin.isoformat(), "--format", "csv"])):
            if r["demand_class"] == "none":
                continue
            s = kinds[r["sku"]]
            lead = max(1, round(rng.gauss(s.lead_days, cv * s.lead_days)))
            covered = int(sum(series[s.sku][t0:t0 + lead]) <= int(r["reorder_point"]))
            hits.setdefault(r["demand_class"], []).append(covered)
            hits.setdefault("all", []).append(covered)
    return {k: round(sum(v) / len(v), 4) for k, v in hits.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--skus", type=int, default=2000)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--dir", help="Work folder (default: a temp folder, removed afterwards).")
    parser.add_argument("--json", help="Also write the results here.")
    parser.add_argument("--reuse", action="store_true", help="Keep the ledger in --dir from an earlier run with the same seed and sizes.")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    skus = forecast_data.make_skus(rng, args.skus, args.days)
    truth_days = args.days + HORIZON + 40
    series = {s.sku: forecast_data.demand(rng, s, FIRST, truth_days) for s in skus}
    last = FIRST + timedelta(days=args.days - 1)
    work = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="daigou-forecast-"))
    work.mkdir(parents=True, exist_ok=True)
    db = work / f"forecast-{args.seed}-{args.skus}-{args.days}.db"
    rows_loaded = sum(1 for s in skus for t in range(args.days) if series[s.sku][t])
    if args.reuse and db.exists():
        load_s = 0.0
    else:
        for stale in work.glob(db.name + "*"):
            stale.unlink()
        load_s = build(db, skus, series, args.days)
    wall, peak, _ = timed(db, ["report", "forecast", "--as-of", last.isoformat(), "--format", "csv"])
    wall_daily, peak_daily, _ = timed(db, ["report", "forecast", "--daily", "--as-of", last.isoformat(),
                                           "--format", "csv"])
    d11 = date(last.year if last >= date(last.year, 11, 25) else last.year - 1, 11, 11)
    cny = max(d for d in forecast_data.CNY_DATES.values() if d + timedelta(days=HORIZON) <= last)
    results = {
        "seed": args.seed, "skus": args.skus, "days": args.days, "history_rows": rows_loaded,
        "load_seconds": round(load_s, 1), "first_day": FIRST.isoformat(), "last_day": last.isoformat(),
        "forecast_seconds": round(wall, 3), "forecast_peak_mb": round(peak, 1),
        "daily_seconds": round(wall_daily, 3), "daily_peak_mb": round(peak_daily, 1),
        "last_28_days": score(db, skus, series, last),
        "double11": {"origin": (d11 - timedelta(days=14)).isoformat(),
                     **score(db, skus, series, d11 - timedelta(days=14))},
        "cny": {"origin": (cny - timedelta(days=14)).isoformat(), **score(db, skus, series, cny - timedelta(days=14))},
        "coverage": coverage(db, skus, series, last, random.Random(args.seed + 1)),
    }
    print(json.dumps(results, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    if not args.dir:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
