"""SciPy's kstwo.sf and ks_2samp p-values, the reference for ks-pvalue.test.ts.

Reads {"cases": [...]} on stdin: {"n", "x"} for kstwo.sf(x, n), or {"ref", "cur"} samples
for ks_2samp (method 'auto'); prints one number per case as JSON.
"""
import json
import sys

from scipy.stats import ks_2samp, kstwo


def run(case):
    if "n" in case:
        return float(kstwo.sf(case["x"], case["n"]))
    res = ks_2samp(case["ref"], case["cur"])
    return [float(res.statistic), float(res.pvalue)]


json.dump([run(c) for c in json.load(sys.stdin)["cases"]], sys.stdout)
