import { z } from 'zod';

/**
 * Token prices, pure: the list's shape, its validation, and the merge of the built-in
 * defaults with an operator's file. Cost of an inference (USD) =
 *   (input − cache-read tokens) × input price + cache-read tokens × cache-read price
 *   + output tokens × output price, per million tokens,
 * since `gen_ai.usage.input_tokens` includes cached input tokens (GenAI conventions).
 */

/** One dated price of a provider's model, USD per million tokens. */
export interface Price {
  provider: string;
  model: string;
  /** First day (UTC, `YYYY-MM-DD`) the price applies. */
  effectiveFrom: string;
  inputPerMillion: number;
  outputPerMillion: number;
  cacheReadPerMillion: number;
  /**
   * USD per GPU-hour, for a self-hosted model: the GPU-hours of the hosts that served it,
   * apportioned by its share of their requests (prices-gpu.ts). Absent: not priced so.
   */
  gpuHourUsd?: number;
}

const usd = z.number().finite().min(0).max(1_000_000);

/** Schema of one price in a file or a PUT body. */
export const PriceSchema = z
  .object({
    provider: z.string().min(1).max(128),
    model: z.string().min(1).max(256),
    effectiveFrom: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'effectiveFrom must be a date, YYYY-MM-DD')
      .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), 'effectiveFrom is not a date')
      .default('1970-01-01'),
    inputPerMillion: usd.optional(),
    outputPerMillion: usd.default(0),
    cacheReadPerMillion: usd.optional(),
    gpuHourUsd: usd.optional(),
  })
  .superRefine((p, ctx) => {
    if (p.inputPerMillion === undefined && p.gpuHourUsd === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['inputPerMillion'],
        message: 'inputPerMillion is required (or gpuHourUsd, for a model priced per GPU-hour)',
      });
  });

/** Most prices one list may hold. */
export const MAX_PRICES = 10_000;

/** Schema of a price list (`{"prices": [...]}`), as a file or a PUT body. */
export const PriceListSchema = z.object({
  prices: z.array(PriceSchema).max(MAX_PRICES, `at most ${MAX_PRICES} prices`),
});

/**
 * A validated list with defaults applied: no input price is 0, cache reads cost the input
 * price when unset, a GPU-hour rate of 0 is no rate. GPU-hour rates match a model by name
 * alone (the model->host map has no provider), so one model may have one per day.
 */
export function normalizePrices(list: z.output<typeof PriceListSchema>): Price[] {
  const seen = new Set<string>();
  const gpuSeen = new Set<string>();
  const out: Price[] = [];
  for (const p of list.prices) {
    const key = JSON.stringify([p.provider, p.model, p.effectiveFrom]);
    if (seen.has(key))
      throw new Error(`two prices for ${p.provider} ${p.model} from ${p.effectiveFrom}`);
    seen.add(key);
    const { gpuHourUsd, ...rest } = p;
    const input = p.inputPerMillion ?? 0;
    const price: Price = {
      ...rest,
      inputPerMillion: input,
      cacheReadPerMillion: p.cacheReadPerMillion ?? input,
    };
    if (gpuHourUsd) {
      const gpuKey = JSON.stringify([p.model, p.effectiveFrom]);
      if (gpuSeen.has(gpuKey))
        throw new Error(`two GPU-hour prices for ${p.model} from ${p.effectiveFrom}`);
      gpuSeen.add(gpuKey);
      price.gpuHourUsd = gpuHourUsd;
    }
    out.push(price);
  }
  return sortPrices(out);
}

/** Prices in a stable order: provider, model, date. */
export function sortPrices(prices: Price[]): Price[] {
  return prices.sort(
    (a, b) =>
      a.provider.localeCompare(b.provider) ||
      a.model.localeCompare(b.model) ||
      a.effectiveFrom.localeCompare(b.effectiveFrom),
  );
}

/** `base` with each entry of `overrides` replacing the one with its provider, model and date. */
export function mergePrices(base: readonly Price[], overrides: readonly Price[]): Price[] {
  const key = (p: Price) => JSON.stringify([p.provider, p.model, p.effectiveFrom]);
  const out = new Map(base.map((p) => [key(p), p]));
  for (const p of overrides) out.set(key(p), p);
  return sortPrices([...out.values()]);
}

/** Whether two lists hold the same prices (in any order). */
export function samePrices(a: readonly Price[], b: readonly Price[]): boolean {
  const canon = (l: readonly Price[]) => JSON.stringify(sortPrices([...l]));
  return a.length === b.length && canon(a) === canon(b);
}

/** USD of one inference at `price`. */
export function costOf(
  tokens: { input: number; output: number; cacheRead: number },
  price: Pick<Price, 'inputPerMillion' | 'outputPerMillion' | 'cacheReadPerMillion'>,
): number {
  const uncached = Math.max(0, tokens.input - tokens.cacheRead);
  return (
    (uncached * price.inputPerMillion +
      tokens.cacheRead * price.cacheReadPerMillion +
      tokens.output * price.outputPerMillion) /
    1e6
  );
}
