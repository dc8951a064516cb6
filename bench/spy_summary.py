"""Summarise a py-spy raw (collapsed stacks) file: share of samples per app frame and leaf.

.venv/bin/python bench/spy_summary.py bench/out/spy-sqlite.txt
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

# Frames worth naming: our code, the template engine, SQL execution, CSRF, compression.
INTERESTING = (
    "(app/",
    "Template.render",
    "do_execute",
    "do_commit",
    "Session.commit",
    "CSRFProtect.protect",
    "Compress.after_request",
    "ThreadWorker.handle_request",
)


def main(path: str, top: int = 30) -> None:
    total, inclusive, leaves = 0, Counter(), Counter()
    for line in Path(path).read_text().splitlines():
        stack, n = line.rstrip().rsplit(" ", 1)
        frames, n = stack.split(";"), int(n)
        total += n
        leaves[frames[-1]] += n
        for frame in set(frames):
            if any(key in frame for key in INTERESTING):
                inclusive[frame] += n
    print(f"{total} samples; inclusive share of frames of interest:")
    for frame, n in inclusive.most_common(top):
        print(f"{100 * n / total:6.1f}%  {frame}")
    print("leaf frames (where the samples actually were):")
    for frame, n in leaves.most_common(12):
        print(f"{100 * n / total:6.1f}%  {frame}")


if __name__ == "__main__":
    main(sys.argv[1], *(int(a) for a in sys.argv[2:3]))
