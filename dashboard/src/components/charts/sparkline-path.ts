/** Rounds a coordinate to 0.1 px: finer than a screen shows, and a shorter path string. */
const px = (v: number) => Math.round(v * 10) / 10;

/**
 * The SVG path of a sparkline of `values` in a `width` × `height` box with `pad` px kept clear
 * at the edges (half the stroke, so the line is not clipped). Values are spread evenly from
 * left to right; the y scale runs from 0 (or the lowest value, when one is negative) at the
 * bottom to the highest value at the top, so a flat zero line lies on the bottom. A null is
 * a gap: the line stops and starts again after it, and a value alone between gaps is a
 * zero-length segment, which a round line cap draws as a dot. Empty when nothing is drawn.
 */
export function sparklinePath(
  values: ReadonlyArray<number | null>,
  width: number,
  height: number,
  pad = 1,
): string {
  let lo = 0;
  let hi = 0;
  let any = false;
  for (const v of values) {
    if (v === null || !Number.isFinite(v)) continue;
    any = true;
    if (v > hi) hi = v;
    if (v < lo) lo = v;
  }
  if (!any) return '';
  const span = hi - lo || 1;
  const stepX = values.length > 1 ? (width - 2 * pad) / (values.length - 1) : 0;
  const x = (i: number) => px(values.length > 1 ? pad + i * stepX : width / 2);
  const y = (v: number) => px(height - pad - ((v - lo) / span) * (height - 2 * pad));
  const parts: string[] = [];
  let open = false;
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) {
      open = false;
      return;
    }
    const next = values[i + 1];
    const alone = !open && (next === undefined || next === null || !Number.isFinite(next));
    parts.push(`${open ? 'L' : 'M'}${x(i)} ${y(v)}${alone ? 'h0' : ''}`);
    open = true;
  });
  return parts.join('');
}
