import { describe, expect, it } from 'vitest';
import { predictionId } from './ids.js';

describe('predictionId', () => {
  it('makes distinct version-4 UUIDs across batch refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const id = predictionId();
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      seen.add(id);
    }
    expect(seen.size).toBe(2000);
  });

  it('varies every random hex digit (all but the version digit)', () => {
    const ids = Array.from({ length: 512 }, () => predictionId());
    for (let pos = 0; pos < 36; pos++) {
      if ([8, 13, 14, 18, 23].includes(pos)) continue; // dashes, version digit
      // the variant digit (19) takes 4 values, the others 16
      expect(new Set(ids.map((id) => id[pos])).size).toBeGreaterThanOrEqual(pos === 19 ? 4 : 12);
    }
  });
});
