"""Reference drift statistics computed independently with NumPy and SciPy.

Reads {"cases": [...]} as JSON on stdin and prints one result per case as JSON. The tests
in collector/src/drift/ compare the collector's figures with these to 1e-6. Definitions:
DESIGN.md "Drift, defined so that results can be checked" and docs/drift.md.
"""
import json
import sys

import numpy as np
from scipy.spatial.distance import jensenshannon
from scipy.stats import chisquare, ks_2samp, wasserstein_distance

FLOOR = 1e-4
DECILES = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]


def psi(r, c):
    r = np.maximum(np.asarray(r, float) / np.sum(r), FLOOR)
    c = np.maximum(np.asarray(c, float) / np.sum(c), FLOOR)
    return float(np.sum((c - r) * np.log(c / r)))


def chi(r, c):
    r = np.asarray(r, float)
    c = np.asarray(c, float)
    expected = r / r.sum() * c.sum()
    if np.any((expected == 0) & (c > 0)):
        return {"chi_stat": None, "chi_p": 0.0}
    keep = expected > 0
    res = chisquare(c[keep], expected[keep])
    return {"chi_stat": float(res.statistic), "chi_p": float(res.pvalue)}


def counts_case(case):
    r, c = case["ref"], case["cur"]
    out = {"psi": psi(r, c), "js": float(jensenshannon(r, c, base=2))}
    out.update(chi(r, c))
    return out


def numeric_case(case):
    ref = np.asarray(case["ref"], float)
    cur = np.asarray(case["cur"], float)
    edges = np.quantile(ref, DECILES)  # linear interpolation, numpy's default
    # bin = number of edges <= x: bins [a, b), open at both ends
    rb = np.bincount(np.searchsorted(edges, ref, side="right"), minlength=10)
    cb = np.bincount(np.searchsorted(edges, cur, side="right"), minlength=10)
    ks = ks_2samp(ref, cur)
    w = wasserstein_distance(ref, cur)
    sd = float(np.std(ref))  # ddof 0
    return {
        "edges": edges.tolist(),
        "ref_bins": rb.tolist(),
        "cur_bins": cb.tolist(),
        "psi": psi(rb, cb),
        "js": float(jensenshannon(rb, cb, base=2)),
        "ks_d": float(ks.statistic),
        "ks_p": float(ks.pvalue),
        "wasserstein": float(w),
        "ref_std": sd,
        "wasserstein_normed": float(w / sd) if sd > 0 else None,
    }


def categorical_case(case):
    cats = sorted(set(case["ref"]) | set(case["cur"]))
    r = [case["ref"].count(k) for k in cats]
    c = [case["cur"].count(k) for k in cats]
    out = counts_case({"ref": r, "cur": c})
    out["categories"] = cats
    return out


KINDS = {"counts": counts_case, "numeric": numeric_case, "categorical": categorical_case}

cases = json.load(sys.stdin)["cases"]
json.dump([KINDS[c["type"]](c) for c in cases], sys.stdout)
