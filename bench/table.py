#!/usr/bin/env python3
"""Prints a JMH JSON result file (bench/run.sh writes examples/target/jmh-result.json) as a
Markdown table: the median of the measured iterations, JMH's score ± 99.9% error, the spread
(max/min over iterations) and, when run with -prof gc, the bytes allocated per op.

    bench/table.py [examples/target/jmh-result.json ...]

The median is robust to a stray slow iteration on a shared machine; a spread well above 1.2
means the iterations disagree and the row deserves a rerun. Later files override earlier rows
with the same benchmark and parameters, so a rerun of a few rows can be merged in.
"""
import json
import statistics
import sys


def rows(paths):
    out = {}
    for path in paths:
        with open(path) as f:
            for r in json.load(f):
                params = r.get("params") or {}
                key = (r["benchmark"], tuple(sorted(params.items())))
                out[key] = r
    return out


def fmt(x):
    try:
        x = float(x)   # JMH writes "NaN" as a string when it cannot compute an error
    except (TypeError, ValueError):
        return "–"
    if x != x:
        return "–"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def main():
    paths = sys.argv[1:] or ["examples/target/jmh-result.json"]
    table = rows(paths)
    print("| benchmark | params | median | score ± error | unit | spread | alloc B/op |")
    print("| --- | --- | ---: | ---: | --- | ---: | ---: |")
    for (name, params), r in sorted(table.items()):
        pm = r["primaryMetric"]
        raw = [v for fork in pm["rawData"] for v in fork]
        med = statistics.median(raw)
        spread = max(raw) / min(raw) if min(raw) > 0 else float("nan")
        alloc = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm")
        alloc_s = f"{alloc['score']:.0f}" if alloc else ""
        short = name.replace("dev.fluxion.examples.bench.", "")
        p = ", ".join(f"{k}={v}" for k, v in params)
        print(f"| {short} | {p} | {fmt(med)} | {fmt(pm['score'])} ± {fmt(pm['scoreError'])} | "
              f"{pm['scoreUnit']} | {spread:.2f} | {alloc_s} |")


if __name__ == "__main__":
    main()
