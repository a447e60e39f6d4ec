/**
 * Estimates the q-quantile (0..1) of an explicit-bucket histogram, interpolating linearly
 * inside the bucket that holds the rank, as Prometheus' `histogram_quantile` does. The
 * lowest bucket interpolates from 0 (or its bound, when negative) and the open-ended
 * highest bucket returns its lower bound. Returns null for an empty histogram.
 */
export function histogramQuantile(
  bounds: readonly number[],
  counts: readonly number[],
  q: number,
): number | null {
  let total = 0;
  for (const c of counts) total += c;
  if (total <= 0 || counts.length === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i]!;
    if (seen + c >= rank && c > 0) {
      if (i === counts.length - 1) return bounds.length > 0 ? bounds[bounds.length - 1]! : null;
      const upper = bounds[i]!;
      const lower = i === 0 ? Math.min(0, upper) : bounds[i - 1]!;
      return lower + (upper - lower) * ((rank - seen) / c);
    }
    seen += c;
  }
  return bounds.length > 0 ? bounds[bounds.length - 1]! : null;
}
