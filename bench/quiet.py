#!/usr/bin/env python3
"""Runs JMH benchmarks one method at a time on a shared machine: waits (up to --max-wait s) for
the CPUs to be idle before each method, and reruns a method (up to --tries times) when its
measured iterations disagree by more than --spread (max/min). Results are merged into one JMH
JSON file that bench/table.py prints. Each method runs with the settings of its class's
annotations plus -prof gc (and whatever --jmh adds), as bench/run.sh would run it.

    bench/quiet.py --out examples/target/jmh-quiet.json TensorOpBench MlpBench.adGradient ...
    bench/quiet.py --jmh '-wi 3 -i 3' MlpBench

Names are classes or Class.method under dev.fluxion.examples.bench; run from the repository root
after building (bench/run.sh builds; or mvn -q -pl examples -am package -DskipTests).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

PKG = "dev.fluxion.examples.bench."
JAR = "examples/target/benchmarks.jar"


def busy(seconds=3.0):
    """Fraction of CPU time not idle over a short window, from /proc/stat."""
    def read():
        with open("/proc/stat") as f:
            v = list(map(int, f.readline().split()[1:]))
        return sum(v), v[3] + v[4]
    t0, i0 = read()
    time.sleep(seconds)
    t1, i1 = read()
    return 1.0 - (i1 - i0) / max(1, t1 - t0)


def wait_quiet(limit, max_wait):
    start = time.time()
    while True:
        b = busy()
        if b < limit or time.time() - start > max_wait:
            return b, time.time() - start
        time.sleep(5)


def methods(names):
    listed = subprocess.run(["java", "-jar", JAR, "-l"], stdout=subprocess.PIPE, text=True, check=True).stdout.split()
    listed = [l[len(PKG):] for l in listed if l.startswith(PKG)]
    out = []
    for n in names:
        hits = [l for l in listed if l == n or l.startswith(n + ".")]
        if not hits:
            sys.exit(f"no benchmark named {n}")
        out += [h for h in hits if h not in out]
    return out


def key(r):
    return r["benchmark"], tuple(sorted((r.get("params") or {}).items()))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="examples/target/jmh-quiet.json")
    ap.add_argument("--busy", type=float, default=0.3, help="CPU busy fraction counted as quiet")
    ap.add_argument("--max-wait", type=float, default=30)
    ap.add_argument("--spread", type=float, default=1.25)
    ap.add_argument("--tries", type=int, default=3)
    ap.add_argument("--jmh", default="", help="extra JMH arguments, one string")
    ap.add_argument("names", nargs="+")
    a = ap.parse_args()
    results = {}
    if os.path.exists(a.out):
        results = {key(r): r for r in json.load(open(a.out))}
    for name in methods(a.names):
        attempt = 0
        while attempt < a.tries:
            b, waited = wait_quiet(a.busy, a.max_wait)
            with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tmp:
                path = tmp.name
            t0 = time.time()
            p = subprocess.run(["java", "-jar", JAR, "^" + PKG + name + "$", "-prof", "gc", "-rf", "json", "-rff", path]
                               + a.jmh.split(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if p.returncode != 0 and "Unable to acquire the JMH lock" in p.stdout:
                # someone else's JMH run holds the machine: wait for it rather than compete
                print(f"{time.strftime('%T')} {name}: another JMH run holds /tmp/jmh.lock; waiting", flush=True)
                os.unlink(path)
                time.sleep(30)
                continue
            attempt += 1
            if p.returncode != 0:
                print(p.stdout[-3000:])
                sys.exit(p.returncode)
            rs = json.load(open(path))
            os.unlink(path)
            worst = 0.0
            for r in rs:
                raw = [v for fork in r["primaryMetric"]["rawData"] for v in fork]
                worst = max(worst, max(raw) / min(raw))
                results[key(r)] = r
            print(f"{time.strftime('%T')} {name} try {attempt}: busy before {b:.2f} (waited {waited:.0f} s), "
                  f"took {time.time() - t0:.0f} s, spread {worst:.2f}", flush=True)
            with open(a.out, "w") as f:
                json.dump(list(results.values()), f, indent=1)
            if worst <= a.spread:
                break


if __name__ == "__main__":
    main()
