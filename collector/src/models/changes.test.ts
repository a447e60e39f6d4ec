import { describe, expect, test } from 'vitest';
import { detectChanges, type SeenRow } from './changes.js';

const row = (
  model: string,
  version: string,
  variant: string,
  first: number,
  last: number,
  n = 1,
): SeenRow => ({
  model,
  version,
  variant,
  firstMs: first,
  lastMs: last,
  requests: n,
});
const iso = (ms: number) => new Date(ms).toISOString();

describe('detectChanges', () => {
  const rows = [
    row('m/a', 'v1', 'control', 100, 900, 10),
    row('m/a', 'v2', 'control', 500, 950, 4),
    row('m/a', 'v2', 'canary', 600, 700, 2),
    row('m/b', '', '', 550, 560, 3),
  ];

  test('what first appeared inside the range, oldest first', () => {
    expect(detectChanges(rows, 400, 1000)).toEqual([
      {
        kind: 'version',
        model: 'm/a',
        version: 'v2',
        firstSeen: iso(500),
        lastSeen: iso(950),
        requests: 6,
      },
      { kind: 'model', model: 'm/b', firstSeen: iso(550), lastSeen: iso(560), requests: 3 },
      {
        kind: 'variant',
        model: 'm/a',
        variant: 'canary',
        firstSeen: iso(600),
        lastSeen: iso(700),
        requests: 2,
      },
    ]);
  });

  test('things seen before the range are not new; empty versions are never changes', () => {
    expect(detectChanges(rows, 601, 1000)).toEqual([]);
    const all = detectChanges(rows, 0, 1000);
    expect(all.map((c) => `${c.kind}:${c.model}:${c.version ?? c.variant ?? ''}`)).toEqual([
      'model:m/a:',
      'version:m/a:v1',
      'variant:m/a:control',
      'version:m/a:v2',
      'model:m/b:',
      'variant:m/a:canary',
    ]);
  });

  test('the range is half-open', () => {
    expect(detectChanges(rows, 100, 101).map((c) => c.kind)).toEqual([
      'model',
      'version',
      'variant',
    ]);
    expect(detectChanges(rows, 0, 100)).toEqual([]);
  });
});
