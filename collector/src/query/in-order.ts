/**
 * Independent reads issued together (the embedded engine spreads statements over several
 * connections, so they run side by side), answered as if they had been awaited one after
 * another: the values in argument order, or, when some fail, the error of the first failed
 * one in argument order (not whichever failed first in time), so a handler's errors do not
 * change with the engine's timing.
 */
export async function allInOrder<T extends readonly unknown[] | []>(
  values: T,
): Promise<{ -readonly [P in keyof T]: Awaited<T[P]> }> {
  const settled = await Promise.allSettled(values);
  for (const s of settled) if (s.status === 'rejected') throw s.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as {
    -readonly [P in keyof T]: Awaited<T[P]>;
  };
}

/**
 * `fn` over `items`, at most `limit` at once, the results in the items' order. On a failure
 * no further item starts; those started finish, and the error of the lowest-numbered failed
 * item is thrown: items start in order, so it is the error a loop awaiting each in turn
 * would have stopped at.
 */
export async function mapInOrder<I, R>(
  items: readonly I[],
  limit: number,
  fn: (item: I, index: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  const errors = new Map<number, unknown>();
  let next = 0;
  const worker = async () => {
    while (next < items.length && errors.size === 0) {
      const i = next++;
      try {
        out[i] = await fn(items[i]!, i);
      } catch (e) {
        errors.set(i, e);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (errors.size > 0) throw errors.get(Math.min(...errors.keys()));
  return out;
}
