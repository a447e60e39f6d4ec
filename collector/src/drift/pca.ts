/**
 * Principal component analysis for the multivariate drift score (multivariate.ts). Pure:
 * a few thousand rows of a few dozen columns, so a Jacobi eigen decomposition of the
 * covariance matrix is exact enough (1e-12) and fast (milliseconds).
 */

/** Eigenvalues of a symmetric matrix, largest first, with unit eigenvectors (`vectors[k]`). */
export interface Eigen {
  values: number[];
  vectors: number[][];
}

/** Most Jacobi sweeps; real matrices converge in under 15. */
const MAX_SWEEPS = 100;

/**
 * Eigen decomposition of a symmetric matrix by cyclic Jacobi rotations (Golub & Van Loan
 * §8.5): each rotation zeroes one off-diagonal element; sweeps stop when the off-diagonal
 * mass is below 1e-14 of the matrix's. Only the lower triangle's symmetry is assumed.
 */
export function symmetricEigen(matrix: readonly (readonly number[])[]): Eigen {
  const n = matrix.length;
  const a = matrix.map((row) => [...row]);
  // v's columns are the eigenvectors as rotations accumulate.
  const v: number[][] = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)),
  );
  let scale = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) scale += a[i]![j]! ** 2;
  const tolerance = 1e-28 * Math.max(scale, Number.MIN_VALUE);
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += a[i]![j]! ** 2;
    if (off <= tolerance) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p]![q]!;
        if (apq === 0) continue;
        const theta = (a[q]![q]! - a[p]![p]!) / (2 * apq);
        // The smaller rotation angle: t = tan(θ) with |θ| ≤ π/4 (numerically stable form).
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k]![p]!;
          const akq = a[k]![q]!;
          a[k]![p] = c * akp - s * akq;
          a[k]![q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p]![k]!;
          const aqk = a[q]![k]!;
          a[p]![k] = c * apk - s * aqk;
          a[q]![k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k]![p]!;
          const vkq = v[k]![q]!;
          v[k]![p] = c * vkp - s * vkq;
          v[k]![q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => a[y]![y]! - a[x]![x]!);
  return {
    values: order.map((i) => a[i]![i]!),
    vectors: order.map((i) => v.map((row) => row[i]!)),
  };
}

/** A PCA fitted on standardized columns. */
export interface PcaModel {
  /** Per column: the fit rows' mean and population standard deviation (ddof 0). */
  means: number[];
  sds: number[];
  /** The kept principal axes (unit vectors in standardized space), largest variance first. */
  components: number[][];
  /** The other axes: a row's reconstruction error is its length along them. */
  residual: number[][];
  /** Share of the standardized variance the kept components explain. */
  explained: number;
}

/**
 * Fits a PCA on `rows` (each the same length; every column with a non-zero spread):
 * standardizes each column, takes the covariance's eigenvectors and keeps the fewest whose
 * cumulative share of the variance exceeds `share` (scikit-learn's float `n_components`).
 */
export function fitPca(rows: readonly ArrayLike<number>[], share: number): PcaModel {
  const n = rows.length;
  const d = rows[0]?.length ?? 0;
  const means = Array<number>(d).fill(0);
  const sds = Array<number>(d).fill(0);
  for (const r of rows) for (let j = 0; j < d; j++) means[j]! += r[j]! / n;
  for (const r of rows) for (let j = 0; j < d; j++) sds[j]! += (r[j]! - means[j]!) ** 2 / n;
  for (let j = 0; j < d; j++) sds[j] = Math.sqrt(sds[j]!);
  // The lower triangle of the covariance, flat (the inner loop is the hot one).
  const cov = new Float64Array(d * d);
  const z = new Float64Array(d);
  for (const r of rows) {
    for (let j = 0; j < d; j++) z[j] = (r[j]! - means[j]!) / sds[j]!;
    for (let i = 0; i < d; i++) {
      const zi = z[i]! / n;
      const row = i * d;
      for (let j = 0; j <= i; j++) cov[row + j]! += zi * z[j]!;
    }
  }
  const matrix = Array.from({ length: d }, (_, i) =>
    Array.from({ length: d }, (_, j) => (j <= i ? cov[i * d + j]! : cov[j * d + i]!)),
  );
  const { values, vectors } = symmetricEigen(matrix);
  const total = values.reduce((a, b) => a + Math.max(b, 0), 0);
  let k = 0;
  let cumulative = 0;
  while (k < d && cumulative <= share) cumulative += Math.max(values[k++]!, 0) / total;
  return {
    means,
    sds,
    components: vectors.slice(0, k),
    residual: vectors.slice(k),
    explained: cumulative,
  };
}

/**
 * Reconstruction error of each row: the Euclidean distance between the standardized row and
 * its projection onto the kept components (what the components cannot explain). The
 * eigenvectors are an orthonormal basis, so that is the row's length along the other axes.
 */
export function reconstructionErrors(
  model: PcaModel,
  rows: readonly ArrayLike<number>[],
): number[] {
  const d = model.means.length;
  const z = new Float64Array(d);
  const axes = model.residual.map((a) => Float64Array.from(a));
  return rows.map((r) => {
    for (let j = 0; j < d; j++) z[j] = (r[j]! - model.means[j]!) / model.sds[j]!;
    let sq = 0;
    for (const axis of axes) {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += z[j]! * axis[j]!;
      sq += dot * dot;
    }
    return Math.sqrt(sq);
  });
}
