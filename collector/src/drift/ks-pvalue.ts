/**
 * The two-sided two-sample Kolmogorov–Smirnov p-value for large samples, as SciPy's
 * `ks_2samp(method='auto')` gives it above 10,000 values on either side:
 * `kstwo.sf(D, round(n·m / (n + m)))`, the survival function of the one-sample two-sided
 * statistic D_n (Simard & L'Ecuyer's choice of method by n and x, SciPy's
 * `scipy/stats/_ksstats.py`). Up to 10,000 values per side the engine's
 * `kolmogorovSmirnovTest` computes the exact two-sample distribution, as SciPy does, and
 * this is not used (sql.ts, repo.ts). Pure; checked against SciPy in ks-pvalue.test.ts.
 */

/** Largest sample size per side at which SciPy (and the engine) compute the exact p-value. */
export const KS_EXACT_MAX = 10_000;

const SQRT2PI = Math.sqrt(2 * Math.PI);
const LOG_2PI = Math.log(2 * Math.PI);
const MIN_LOG = -708;
const PI2 = Math.PI ** 2;
const PI4 = Math.PI ** 4;
const PI6 = Math.PI ** 6;
const E128 = 128;
const EP128 = 2 ** 128;
const EM128 = 2 ** -128;
// B_{2j}/(2j)/(2j-1), j = 8…1 (Stirling's series), SciPy's values as doubles.
const STIRLING = [
  -0.029550653594771242, 0.00641025641025641, -0.0019175269175269176, 0.0008417508417508417,
  -0.0005952380952380953, 0.0007936507936507937, -0.002777777777777778, 0.08333333333333333,
];

const clip = (p: number) => Math.min(1, Math.max(0, p));

/** ln(n! / n^n) by Stirling's series, n·ln n removed up front (no cancellation). */
function logFactorialOverPower(n: number): number {
  const rn = 1 / n;
  let poly = 0;
  for (const c of STIRLING) poly = poly * (rn / n) + c;
  return Math.log(n) / 2 - n + LOG_2PI / 2 + rn * poly;
}

/**
 * Pr(D_n ≤ d) by Durbin's matrix method as Marsaglia, Tsang and Wang compute it: the
 * k-th diagonal entry of H^n (H of size 2k − 1, k = ⌈n·d⌉) times n!/n^n, rescaled by 2^128
 * as it goes. Exact; O(k³ log n).
 */
function cdfDurbin(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let fac = 1;
  for (let j = 1; j <= m; j++) {
    w[j - 1] = fac;
    fac /= j;
    v[j - 1] = (1 - h ** j) * fac;
  }
  const tt = Math.max(2 * h - 1, 0) ** m - 2 * h ** m;
  v[m - 1] = (1 + tt) * fac;
  let H = new Float64Array(m * m);
  for (let i = 1; i < m; i++) for (let r = i - 1; r < m; r++) H[r * m + i] = w[r - i + 1]!;
  for (let r = 0; r < m; r++) H[r * m] = v[r]!;
  for (let c = 0; c < m; c++) H[(m - 1) * m + c] = v[m - 1 - c]!;
  let P = new Float64Array(m * m);
  for (let i = 0; i < m; i++) P[i * m + i] = 1;
  const mul = (a: Float64Array, b: Float64Array) => {
    const out = new Float64Array(m * m);
    for (let i = 0; i < m; i++)
      for (let l = 0; l < m; l++) {
        const x = a[i * m + l]!;
        if (x === 0) continue;
        for (let j = 0; j < m; j++) out[i * m + j]! += x * b[l * m + j]!;
      }
    return out;
  };
  let nn = n;
  let expnt = 0;
  let hExpnt = 0;
  while (nn > 0) {
    if (nn % 2) {
      P = mul(P, H);
      expnt += hExpnt;
    }
    H = mul(H, H);
    hExpnt *= 2;
    if (Math.abs(H[(k - 1) * m + (k - 1)]!) > EP128) {
      for (let i = 0; i < H.length; i++) H[i]! /= EP128;
      hExpnt += E128;
    }
    nn = Math.floor(nn / 2);
  }
  let p = P[(k - 1) * m + (k - 1)]!;
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < EM128) {
      p *= EP128;
      expnt -= E128;
    }
  }
  return clip(p * 2 ** expnt);
}

/** Pr(D_n ≤ x) by the Pelz–Good asymptotic series (Li-Chien / Korolyuk terms to n^-3/2). */
function cdfPelzGood(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const z2 = z ** 2;
  const z4 = z ** 4;
  const z6 = z ** 6;
  const qlog = -PI2 / 8 / z2;
  if (qlog < MIN_LOG) return 0;
  let q = Math.exp(qlog);
  const k1a = -z2;
  const k1b = PI2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * PI2) / 4;
  const k2c = (PI4 * (1 - 2 * z2)) / 16;
  const k3d = (PI6 * (5 - 30 * z2)) / 64;
  const k3c = (PI4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;
  const K = [0, 0, 0, 0];
  const maxk = Math.ceil((16 * z) / Math.PI);
  for (let k = maxk; k > 0; k--) {
    const m = 2 * k - 1;
    const m2 = m ** 2;
    const m4 = m ** 4;
    const m6 = m ** 6;
    const qp = q ** (8 * k);
    const coeffs = [
      1,
      k1a + k1b * m2,
      k2a + k2b * m2 + k2c * m4,
      k3a + k3b * m2 + k3c * m4 + k3d * m6,
    ];
    for (let i = 0; i < 4; i++) K[i] = K[i]! * qp + coeffs[i]!;
  }
  const div = [z, 6 * z4, 72 * z ** 7, 6480 * z ** 10];
  for (let i = 0; i < 4; i++) K[i] = (K[i]! * q * SQRT2PI) / div[i]!;
  q = Math.exp(-PI2 / 2 / z2);
  let k2extra = 0;
  let k3extra = 0;
  const s3z = Math.sqrt(3) * z;
  for (let k = maxk; k > 0; k--) {
    const qp = q ** (k * k);
    k2extra += k * k * qp;
    k3extra += (s3z + Math.PI * k) * (s3z - Math.PI * k) * k * k * qp;
  }
  K[2]! += (k2extra * PI2 * SQRT2PI) / (-36 * z ** 3);
  K[3]! += (k3extra * PI2 * SQRT2PI) / (216 * z6);
  let sum = 0;
  for (let i = 0; i < 4; i++) sum += K[i]! / n ** (i / 2);
  return sum;
}

/**
 * Pr(D⁺_n > x), the one-sided statistic's survival function (SciPy's `smirnov(n, x)`): the
 * Birnbaum–Tingey sum x·Σ_{v=0}^{⌊n(1−x)⌋} C(n,v) (x + v/n)^(v−1) (1 − x − v/n)^(n−v),
 * every term positive, summed in logarithms. SciPy sums the same terms in double-double
 * arithmetic (up to n = 10^6); doubles keep ~1e-10 here, far inside the 1e-6 checked.
 */
export function smirnovSf(n: number, x: number): number {
  if (!(n > 0 && x >= 0 && x <= 1)) return Number.NaN;
  if (n === 1) return 1 - x;
  if (x === 0) return 1;
  if (x === 1) return 0;
  if (n * x <= 1) return 1 - x * (1 + x) ** (n - 1);
  if (-2 * n * x * x < -708 - 38) return 0;
  if (n * x >= n - 1) return (1 - x) ** n;
  if (n > 1_000_000) {
    // SciPy's approximation past 10^6 terms.
    const logp = -((6 * n * x + 1) ** 2) / 18 / n;
    return Math.exp(logp);
  }
  const last = n * (1 - x);
  // With n(1 − x) an integer the last term (zero) is left out, as SciPy does.
  const top = Number.isInteger(last) ? last - 1 : Math.floor(last);
  let lnC = 0;
  let max = Number.NEGATIVE_INFINITY;
  const logs: number[] = [];
  for (let v = 0; v <= top; v++) {
    if (v > 0) lnC += Math.log((n - v + 1) / v);
    const a = 1 - x - v / n;
    const t = lnC + (v - 1) * Math.log(x + v / n) + (n - v) * Math.log(a);
    logs.push(t);
    if (t > max) max = t;
    // Past the peak and negligible: the rest only shrink.
    if (t < max - 60 && v > n * x) break;
  }
  let sum = 0;
  for (const t of logs) sum += Math.exp(t - max);
  return clip(x * Math.exp(max) * sum);
}

/**
 * SciPy's `kstwo.sf(x, n)`: Pr(D_n > x) for the one-sample two-sided statistic, with the
 * method SciPy's `_kolmogn` picks for each (n, x) (Ruben–Gambino at the ends, 2·smirnov for
 * large n·x², Durbin's matrix or Pelz–Good otherwise). Where SciPy uses Pomeranz's
 * recursion (n ≤ 140, 0.754693 < n·x² ≤ 4) Durbin's method is used instead: both are exact.
 */
export function kstwoSf(n: number, x: number): number {
  if (!Number.isInteger(n) || n <= 0 || Number.isNaN(x)) return Number.NaN;
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    if (t <= 0.5) return 1;
    let prob: number;
    if (n <= 140) {
      prob = 1;
      for (let i = 1; i <= n; i++) prob *= (i / n) * (2 * t - 1);
    } else prob = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    return clip(1 - prob);
  }
  if (t >= n - 1) return clip(2 * (1 - x) ** n);
  if (x >= 0.5) return clip(2 * smirnovSf(n, x));
  const nx2 = t * x;
  if (n <= 140) {
    if (nx2 <= 4) return clip(1 - cdfDurbin(n, x));
    return clip(2 * smirnovSf(n, x));
  }
  if (nx2 >= 370) return 0;
  if (nx2 >= 2.2) return clip(2 * smirnovSf(n, x));
  const cdf = n <= 100_000 && n * x ** 1.5 <= 1.4 ? cdfDurbin(n, x) : clip(cdfPelzGood(n, x));
  return clip(1 - cdf);
}

/** NumPy's `np.round`: halves to the even neighbour. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * The two-sided two-sample KS p-value of statistic `d` for samples of `n1` and `n2` values
 * by SciPy's asymptotic method (`ks_2samp`'s `'asymp'`, what its `'auto'` uses above
 * {@link KS_EXACT_MAX} values on either side).
 */
export function ksTwoSampleAsympP(d: number, n1: number, n2: number): number {
  const m = Math.max(n1, n2);
  const n = Math.min(n1, n2);
  return clip(kstwoSf(roundHalfEven((m * n) / (m + n)), d));
}
