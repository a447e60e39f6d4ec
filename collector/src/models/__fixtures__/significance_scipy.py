"""Reference test statistics for the comparison of two arms, computed with SciPy.

Reads {"cases": [...]} as JSON on stdin and prints one result per case as JSON. The tests
in collector/src/models/significance*.test.ts compare the collector's figures with these.
Cases:
  {"type": "mwu", "a": [...], "b": [...]}: scipy.stats.mannwhitneyu(a, b), two-sided,
      asymptotic (normal approximation with tie correction), with continuity correction.
  {"type": "prop", "xa", "na", "xb", "nb"}: the two-proportion z-test with the pooled
      variance (the formula of statsmodels' proportions_ztest), p from scipy.stats.norm.
  {"type": "norm", "z": [...]}: scipy.stats.norm.sf(z).
"""
import json
import sys

import numpy as np
from scipy.stats import mannwhitneyu, norm


def run(case):
    t = case["type"]
    if t == "mwu":
        r = mannwhitneyu(case["a"], case["b"], alternative="two-sided",
                         use_continuity=True, method="asymptotic")
        return {"u": float(r.statistic), "p": float(r.pvalue)}
    if t == "prop":
        xa, na, xb, nb = case["xa"], case["na"], case["xb"], case["nb"]
        pooled = (xa + xb) / (na + nb)
        se = np.sqrt(pooled * (1 - pooled) * (1 / na + 1 / nb))
        z = (xb / nb - xa / na) / se
        return {"z": float(z), "p": float(2 * norm.sf(abs(z)))}
    if t == "norm":
        return {"sf": [float(norm.sf(z)) for z in case["z"]]}
    raise ValueError(t)


cases = json.load(sys.stdin)["cases"]
json.dump([run(c) for c in cases], sys.stdout)
