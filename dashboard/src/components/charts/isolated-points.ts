/**
 * The rows where `key` has a value and neither neighbour has one. A line without dots draws
 * nothing at such a point (a version's first minute, a GPU that reported once), so the chart
 * marks exactly these with a dot. Pure.
 *
 * @example
 * isolatedPoints([{ a: 1 }, { a: null }, { a: 2 }, { a: 3 }], 'a') // → Set { 0 }
 */
export function isolatedPoints(
  rows: ReadonlyArray<Readonly<Record<string, number | null | undefined>>>,
  key: string,
): Set<number> {
  const has = (i: number) => {
    const v = rows[i]?.[key];
    return v !== null && v !== undefined;
  };
  const out = new Set<number>();
  for (let i = 0; i < rows.length; i++) if (has(i) && !has(i - 1) && !has(i + 1)) out.add(i);
  return out;
}
