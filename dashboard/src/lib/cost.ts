import type { ModelSummary } from '@aiobs/api-types';

/**
 * A model's cost in USD, or null when it used tokens yet cost nothing: then it has no price,
 * which is not the same as free, and the cost is shown as "—" rather than $0.00.
 */
export function pricedCost(
  m: Pick<ModelSummary, 'costUsd' | 'inputTokens' | 'outputTokens'>,
): number | null {
  return m.costUsd === 0 && m.inputTokens + m.outputTokens > 0 ? null : m.costUsd;
}
