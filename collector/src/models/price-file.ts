import { readFileSync } from 'node:fs';
import { normalizePrices, type Price, PriceListSchema } from './prices.js';

/**
 * Reads and validates a `--prices-file` (`{"prices": [...]}`, the shape of
 * `PUT /api/v1/prices`). Throws with the file name and the first problem, so a bad file
 * stops the collector at start instead of pricing with half a list.
 */
export function loadPriceFile(path: string): Price[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`prices file ${path}: ${(err as Error).message}`);
  }
  const parsed = PriceListSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`prices file ${path}: ${issue.path.join('.')}: ${issue.message}`);
  }
  try {
    return normalizePrices(parsed.data);
  } catch (err) {
    throw new Error(`prices file ${path}: ${(err as Error).message}`);
  }
}
