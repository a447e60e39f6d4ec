import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { DEFAULT_PRICES } from './default-prices.js';
import { loadPriceFile } from './price-file.js';
import { costOf, mergePrices, normalizePrices, PriceListSchema, samePrices } from './prices.js';

const base = { provider: 'openai', model: 'gpt-4o', inputPerMillion: 2.5, outputPerMillion: 10 };

describe('prices', () => {
  test('cost: cached input tokens pay the cache-read price, the rest the input price', () => {
    const p = { inputPerMillion: 2.5, outputPerMillion: 10, cacheReadPerMillion: 1.25 };
    expect(costOf({ input: 1_000_000, output: 0, cacheRead: 0 }, p)).toBe(2.5);
    expect(costOf({ input: 1000, output: 500, cacheRead: 400 }, p)).toBeCloseTo(
      (600 * 2.5 + 400 * 1.25 + 500 * 10) / 1e6,
      15,
    );
    // More cached than input (an inconsistent report): never a negative input charge.
    expect(costOf({ input: 10, output: 0, cacheRead: 20 }, p)).toBeCloseTo((20 * 1.25) / 1e6, 15);
  });

  test('validation: defaults for date, output and cache-read price; errors name the field', () => {
    const list = normalizePrices(PriceListSchema.parse({ prices: [base] }));
    expect(list).toEqual([{ ...base, effectiveFrom: '1970-01-01', cacheReadPerMillion: 2.5 }]);
    const bad = PriceListSchema.safeParse({ prices: [{ ...base, inputPerMillion: -1 }] });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.path).toEqual(['prices', 0, 'inputPerMillion']);
    const date = PriceListSchema.safeParse({ prices: [{ ...base, effectiveFrom: '2025-13-45' }] });
    expect(date.success).toBe(false);
    expect(() =>
      normalizePrices(PriceListSchema.parse({ prices: [base, { ...base, outputPerMillion: 1 }] })),
    ).toThrow(/two prices for openai gpt-4o/);
  });

  test('merge: an override replaces the same provider, model and date, adds the rest', () => {
    const cheaper = { ...DEFAULT_PRICES[0]!, inputPerMillion: 1 };
    const extra = { ...base, model: 'mine', effectiveFrom: '2026-01-01', cacheReadPerMillion: 0 };
    const merged = mergePrices(DEFAULT_PRICES, [cheaper, extra]);
    expect(merged).toHaveLength(DEFAULT_PRICES.length + 1);
    expect(merged).toContainEqual(cheaper);
    expect(merged).toContainEqual(extra);
    expect(samePrices(merged, [...merged].reverse())).toBe(true);
    expect(samePrices(merged, DEFAULT_PRICES)).toBe(false);
  });

  test('the defaults are a valid list', () => {
    expect(() =>
      normalizePrices(PriceListSchema.parse({ prices: DEFAULT_PRICES.map((p) => ({ ...p })) })),
    ).not.toThrow();
  });

  test('a prices file is read and validated, with its name in errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aiobs-prices-'));
    try {
      const good = join(dir, 'good.json');
      writeFileSync(good, JSON.stringify({ prices: [base] }));
      expect(loadPriceFile(good)[0]!.model).toBe('gpt-4o');
      const bad = join(dir, 'bad.json');
      writeFileSync(bad, JSON.stringify({ prices: [{ ...base, provider: '' }] }));
      expect(() => loadPriceFile(bad)).toThrow(/bad\.json: prices\.0\.provider/);
      expect(() => loadPriceFile(join(dir, 'missing.json'))).toThrow(/missing\.json/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
