"""Reference values for the multivariate drift score and the Spearman ranking.

Reads {"cases": [...]} as JSON on stdin and prints one result per case as JSON:
- {"type": "spearman", "x", "y"}: scipy.stats.spearmanr (null where SciPy answers NaN);
- {"type": "pca", "fit", "rows", "share"}: PCA fitted with NumPy's eigh on the fit rows
  standardized (ddof 0), the fewest components whose cumulative variance share exceeds
  `share` (scikit-learn's rule), and each row's Euclidean reconstruction error.
"""
import json
import math
import sys
import warnings

import numpy as np
from scipy.stats import spearmanr


def spearman_case(case):
    with warnings.catch_warnings():
        # A constant sample: SciPy warns and answers NaN, which is the expected value.
        warnings.simplefilter("ignore")
        rho = float(spearmanr(case["x"], case["y"]).statistic)
    return {"rho": None if math.isnan(rho) else rho}


def pca_case(case):
    fit = np.asarray(case["fit"], float)
    rows = np.asarray(case["rows"], float)
    mean = fit.mean(axis=0)
    sd = fit.std(axis=0)
    z = (fit - mean) / sd
    cov = z.T @ z / len(z)
    values, vectors = np.linalg.eigh(cov)
    order = np.argsort(values)[::-1]
    values, vectors = values[order], vectors[:, order]
    ratio = np.cumsum(values) / values.sum()
    k = int(np.searchsorted(ratio, case["share"], side="right") + 1)
    axes = vectors[:, :k]
    zr = (rows - mean) / sd
    back = zr @ axes @ axes.T
    return {
        "eigenvalues": values.tolist(),
        "components": k,
        "explained": float(ratio[k - 1]),
        "errors": np.linalg.norm(zr - back, axis=1).tolist(),
    }


KINDS = {"spearman": spearman_case, "pca": pca_case}

cases = json.load(sys.stdin)["cases"]
json.dump([KINDS[c["type"]](c) for c in cases], sys.stdout)
