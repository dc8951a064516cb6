"""False alarms and power of the report's group comparisons: the longer run of the simulation
in tests/unit/reports/test_false_alarms.py (same populations and groups, more of them).

    .venv/bin/python bench/false_alarms.py                       # about 5 minutes
    .venv/bin/python bench/false_alarms.py --populations 500 --power-populations 100   # quick

Pure Python, no database or server. Three methods side by side on the same data:
- new: ``reports.stats.compare`` (the group as if picked at random from the pathway's people,
  skew-corrected) with Benjamini-Hochberg at q = 0.05 across each report (what reports use);
- bonferroni: the same p values, flagged when p < 0.05 / (groups in the report);
- old: the group's 95% t interval against the pathway mean, no multiplicity control (the
  method before issue 12).
1. No real difference (``--populations`` pathways): share of compared groups flagged, false
   "better" / false "worse" and their ratio, share of reports with any false alarm; and per
   comparison, before any multiplicity control, better / worse at p < 0.05, 0.01, 0.001 for
   the new method's p and for a normal p from the same standard error (no skew allowance).
2. Power: a group of each ``--sizes`` whose people score ``--effects`` points lower (kept
   within 0-100), planted among the report's other groups, ``--power-populations`` pathways
   each: share flagged "worse".
3. Several real differences (``--several`` groups of 60, each 10 points lower, in the same
   report): share of them flagged "worse", where Benjamini-Hochberg and Bonferroni part.
Output: Markdown tables, and JSON with ``--json``.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from scipy.special import ndtr

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reports.stats import BETTER, WORSE  # noqa: E402
from tests.unit.reports.test_false_alarms import (  # noqa: E402
    new_method,
    old_method,
    report_groups,
    simulated_scores,
)

LEVELS = (0.05, 0.01, 0.001)
Q = 0.05


def bonferroni(comparisons: list) -> list[str | None]:
    m = len(comparisons)
    return [c.direction if c.p < Q / m else None for c in comparisons]


def no_difference(populations: int, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    calls = {name: Counter() for name in ("new", "bonferroni", "old")}
    any_call = Counter()
    per_level = {level: Counter() for level in LEVELS}
    per_level_normal = {level: Counter() for level in LEVELS}
    groups = 0
    for _ in range(populations):
        scores = simulated_scores(rng)
        report = report_groups(rng, len(scores))
        comparisons, bands = new_method(scores, report)
        groups += len(report)
        for name, found in (
            ("new", bands),
            ("bonferroni", bonferroni(comparisons)),
            ("old", old_method(scores, report)),
        ):
            calls[name].update(b for b in found if b in (BETTER, WORSE))
            any_call[name] += any(b in (BETTER, WORSE) for b in found)
        for c in comparisons:
            normal_p = 2 * float(ndtr(-abs(c.z)))
            for level in LEVELS:
                per_level[level][c.direction] += c.p < level
                per_level_normal[level][c.direction] += normal_p < level
    return {
        "populations": populations,
        "groups": groups,
        "methods": {
            name: {
                "better": calls[name][BETTER],
                "worse": calls[name][WORSE],
                "share_flagged": (calls[name][BETTER] + calls[name][WORSE]) / groups,
                "reports_with_a_false_alarm": any_call[name] / populations,
            }
            for name in calls
        },
        "per_comparison": {
            name: {
                str(level): {
                    "better": c[BETTER],
                    "worse": c[WORSE],
                    "expected_each": groups * level / 2,
                }
                for level, c in counts.items()
            }
            for name, counts in (
                ("new", per_level),
                ("normal, no skew allowance", per_level_normal),
            )
        },
    }


def power(effect: float, size: int, populations: int, seed: int) -> dict:
    rng = np.random.default_rng([seed, int(effect * 10), size])
    worse = Counter()
    for _ in range(populations):
        scores = simulated_scores(rng)
        planted = rng.choice(len(scores), size, replace=False)
        scores[planted] = np.clip(scores[planted] - effect, 0, 100)
        report = report_groups(rng, len(scores), planted)
        comparisons, bands = new_method(scores, report)
        worse["new"] += bands[-1] == WORSE
        worse["bonferroni"] += bonferroni(comparisons)[-1] == WORSE
        worse["old"] += old_method(scores, [planted])[0] == WORSE
    return {"effect": effect, "size": size, **{k: worse[k] / populations for k in worse}}


def several(count: int, effect: float, size: int, populations: int, seed: int) -> dict:
    """``count`` planted groups in each report: share of them flagged "worse"."""
    rng = np.random.default_rng([seed, count, 99])
    worse = Counter()
    for _ in range(populations):
        scores = simulated_scores(rng)
        people = rng.permutation(len(scores))
        planted = [people[i * size : (i + 1) * size] for i in range(count)]
        for group in planted:
            scores[group] = np.clip(scores[group] - effect, 0, 100)
        report = report_groups(rng, len(scores)) + planted
        comparisons, bands = new_method(scores, report)
        worse["new"] += sum(b == WORSE for b in bands[-count:])
        worse["bonferroni"] += sum(b == WORSE for b in bonferroni(comparisons)[-count:])
        worse["old"] += sum(b == WORSE for b in old_method(scores, planted))
    share = {k: worse[k] / (populations * count) for k in ("new", "bonferroni", "old")}
    return {"groups": count, "effect": effect, "size": size, **share}


def ratio(better: int, worse: int) -> str:
    return f"{better / worse:.2f}" if worse else "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--populations", type=int, default=5000)
    parser.add_argument("--power-populations", type=int, default=500)
    parser.add_argument("--effects", type=float, nargs="+", default=[5, 10, 15])
    parser.add_argument("--sizes", type=int, nargs="+", default=[30, 60, 120, 240])
    parser.add_argument("--several", type=int, default=5, help="0: skip part 3")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    started = time.perf_counter()
    null = no_difference(args.populations, args.seed)
    null_seconds = time.perf_counter() - started
    print(f"## No real difference: {null['populations']} populations, {null['groups']} groups\n")
    print(
        "| method | false better | false worse | better / worse | groups flagged "
        "| reports with a false alarm |"
    )
    print("|---|---|---|---|---|---|")
    for name, m in null["methods"].items():
        print(
            f"| {name} | {m['better']} | {m['worse']} | {ratio(m['better'], m['worse'])} "
            f"| {m['share_flagged']:.3%} | {m['reports_with_a_false_alarm']:.1%} |"
        )
    print("\nPer comparison, before the multiplicity control:\n")
    print("| p from | p below | better | worse | better / worse | expected each side |")
    print("|---|---|---|---|---|---|")
    for name, levels in null["per_comparison"].items():
        for level, c in levels.items():
            print(
                f"| {name} | {level} | {c['better']} | {c['worse']} "
                f"| {ratio(c['better'], c['worse'])} | {c['expected_each']:.0f} |"
            )

    started = time.perf_counter()
    rows = [
        power(effect, size, args.power_populations, args.seed)
        for effect in args.effects
        for size in args.sizes
    ]
    if args.several:
        rows.append(several(args.several, 10, 60, args.power_populations, args.seed))
    power_seconds = time.perf_counter() - started
    print(f"\n## Power: share of {args.power_populations} populations flagging the group 'worse'\n")
    print("| points lower | group of | new (BH) | Bonferroni | old (t interval) |")
    print("|---|---|---|---|---|")
    for r in rows:
        if "groups" in r:
            print(
                f"\n{r['groups']} groups of {r['size']}, each {r['effect']:g} points lower, in "
                f"every report: {r['new']:.0%} flagged 'worse' (BH), {r['bonferroni']:.0%} "
                f"(Bonferroni), {r['old']:.0%} (old)"
            )
            continue
        print(
            f"| {r['effect']:g} | {r['size']} | {r['new']:.0%} | {r['bonferroni']:.0%} "
            f"| {r['old']:.0%} |"
        )
    print(f"\n{null_seconds:.0f} s + {power_seconds:.0f} s")

    if args.json:
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
        record = {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "commit": commit,
            "python": platform.python_version(),
            "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
            "no_difference": null,
            "power": rows,
            "seconds": {"no_difference": null_seconds, "power": power_seconds},
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(record, indent=2) + "\n")


if __name__ == "__main__":
    main()
