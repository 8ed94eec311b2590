"""The peers' warmed timer, shared by the torchdiffeq and torchsde scripts in this folder."""
import time


def timed(fn, reps, warm_s, min_warm=3):
    """Runs fn for warm_s seconds (at least min_warm calls), then reps timed calls: median, 10th and 90th percentile, in ms."""
    end = time.perf_counter() + warm_s
    n = 0
    while time.perf_counter() < end or n < min_warm:
        fn()
        n += 1
    ts = []
    for _ in range(reps):
        s = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - s) * 1e3)
    ts.sort()
    return ts[len(ts) // 2], ts[len(ts) // 10], ts[min(len(ts) - 1, len(ts) * 9 // 10)]
