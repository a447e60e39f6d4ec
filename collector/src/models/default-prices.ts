import type { Price } from './prices.js';

/**
 * List prices of common hosted models (USD per million tokens: input, output, cached
 * input), as the providers published them; `effectiveFrom` is the day aiobs took them, not
 * the provider's own change date. They seed the price table on first use; contracts,
 * discounts, batch and priority tiers differ: override them with `--prices-file` or
 * `PUT /api/v1/prices`. Provider names follow `gen_ai.provider.name`.
 */
const SINCE = '2025-06-01';

const LIST: [provider: string, model: string, input: number, output: number, cached: number][] = [
  ['openai', 'gpt-4o', 2.5, 10, 1.25],
  ['openai', 'gpt-4o-mini', 0.15, 0.6, 0.075],
  ['openai', 'gpt-4.1', 2, 8, 0.5],
  ['openai', 'gpt-4.1-mini', 0.4, 1.6, 0.1],
  ['openai', 'gpt-4.1-nano', 0.1, 0.4, 0.025],
  ['openai', 'o3', 2, 8, 0.5],
  ['openai', 'o4-mini', 1.1, 4.4, 0.275],
  ['openai', 'text-embedding-3-small', 0.02, 0, 0.02],
  ['openai', 'text-embedding-3-large', 0.13, 0, 0.13],
  ['anthropic', 'claude-opus-4-0', 15, 75, 1.5],
  ['anthropic', 'claude-sonnet-4-0', 3, 15, 0.3],
  ['anthropic', 'claude-3-7-sonnet-latest', 3, 15, 0.3],
  ['anthropic', 'claude-3-5-haiku-latest', 0.8, 4, 0.08],
  ['gcp.gemini', 'gemini-2.5-pro', 1.25, 10, 0.31],
  ['gcp.gemini', 'gemini-2.5-flash', 0.3, 2.5, 0.075],
  ['gcp.gemini', 'gemini-2.0-flash', 0.1, 0.4, 0.025],
];

/** The built-in price list. */
export const DEFAULT_PRICES: readonly Price[] = Object.freeze(
  LIST.map(([provider, model, input, output, cached]) => ({
    provider,
    model,
    effectiveFrom: SINCE,
    inputPerMillion: input,
    outputPerMillion: output,
    cacheReadPerMillion: cached,
  })),
);
