"""A progress line with steps/s, images/s and ETA, good in a terminal and in a nohup log."""

from __future__ import annotations

import sys
import time


def format_seconds(s: float) -> str:
    s = int(max(0, s))
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}h{m:02d}m" if h else f"{m}m{sec:02d}s"


class Progress:
    """Prints `step k/N | x step/s | y img/s | ETA | metrics` every call to `update` (rate over the last call)."""

    def __init__(self, total: int, start: int, images_per_step: int, stream=None):
        self.total, self.images_per_step = total, images_per_step
        self.stream = stream or sys.stderr
        self.last_step, self.last_time = start, time.perf_counter()

    def update(self, step: int, metrics: dict) -> float:
        now = time.perf_counter()
        rate = (step - self.last_step) / max(now - self.last_time, 1e-9)
        self.last_step, self.last_time = step, now
        eta = (self.total - step) / rate if rate > 0 else 0.0
        values = " ".join(f"{k} {v:.4f}" for k, v in metrics.items())
        print(f"step {step}/{self.total} | {rate:.2f} step/s | {rate * self.images_per_step:.1f} img/s | "
              f"ETA {format_seconds(eta)} | {values}", file=self.stream, flush=True)
        return rate
