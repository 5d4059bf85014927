"""The 1x/2x/4x series of the sweep benchmarks (``sweep.py``: INFs, ``csweep.py``: C files).

Each shape's file is made at its count and at twice and four times it, processed by the
benchmark's own ``run``, and printed with its seconds, the growth of the time per doubling
of the file's bytes, and its size at 4x. A growth over :data:`GOAL_GROWTH` on the last
doubling (above :data:`NOISE_S`), or an error, is flagged.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable

#: Growth per doubling above which a shape is reported (as bench/scaling.py's goal).
GOAL_GROWTH = 3.0
#: Seconds under which growth is not judged (fixed costs dominate).
NOISE_S = 0.2

#: A shape: its name, the text of ``n`` items, and its count at 1x.
Shape = tuple[str, Callable[[int], str], int]
#: Process one file (shape name, bytes): its seconds and its error ("" or None: none).
Run = Callable[[str, bytes], tuple[float, str | None]]


def run_series(shapes: Iterable[Shape], run: Run) -> list[str]:
    """Print the table of the shapes; the flagged ones, as lines to print after it."""
    flagged: list[str] = []
    print(f"{'shape':32} {'1x s':>8} {'2x s':>8} {'4x s':>8}  growth    KB at 4x")
    for name, make, count in shapes:
        times: list[float] = []
        sizes: list[int] = []
        for factor in (1, 2, 4):
            data = make(count * factor).encode("ascii")
            seconds, error = run(name, data)
            times.append(seconds)
            sizes.append(len(data))
            if error:
                flagged.append(f"{name}: {error}")
        # time growth per doubling of the bytes: (t2 / t1) ** (1 / log2(s2 / s1))
        growth = [
            (tb / ta) ** (1 / math.log2(sb / sa)) if ta else 0.0
            for (ta, tb), (sa, sb) in zip(
                itertools.pairwise(times), itertools.pairwise(sizes), strict=True
            )
        ]
        print(
            f"{name:32} {times[0]:8.2f} {times[1]:8.2f} {times[2]:8.2f}  "
            f"{growth[0]:.2f}/{growth[1]:.2f} {sizes[-1] / 1000:8.0f}",
            flush=True,
        )
        if times[2] > NOISE_S and growth[1] > GOAL_GROWTH:
            flagged.append(f"{name}: SUPERLINEAR, {growth[1]:.2f}x on the last doubling")
    return flagged
