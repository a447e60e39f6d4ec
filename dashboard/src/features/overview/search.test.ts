import type { ModelSeriesResponse } from '@aiobs/api-types';
import { describe, expect, it } from 'vitest';
import { overviewSeriesQuery } from './api.js';
import { overviewModelSeriesCall, overviewSeriesCall, overviewSeriesCallFor } from './calls.js';
import { validateOverviewSearch } from './search.js';

const RANGE = {
  fromMs: Date.parse('2026-12-02T11:00:00.000Z'),
  toMs: Date.parse('2026-12-02T12:00:00.000Z'),
  from: '2026-12-02T11:00:00.000Z',
  to: '2026-12-02T12:00:00.000Z',
};

describe('validateOverviewSearch', () => {
  it('keeps split=model and turns anything else into the default', () => {
    expect(validateOverviewSearch({ split: 'model' })).toEqual({ split: 'model' });
    for (const split of [undefined, '', 'version', 'MODEL', 1, ['model']])
      expect(validateOverviewSearch({ split })).toEqual({ split: undefined });
  });
});

describe('the overview series call', () => {
  it('asks for one series per model when split, the fleet-wide series otherwise', () => {
    expect(overviewSeriesCallFor(undefined)).toBe(overviewSeriesCall);
    expect(overviewSeriesCallFor('model')).toBe(overviewModelSeriesCall);
    const path = new URL(`http://x${overviewModelSeriesCall.path(RANGE)}`);
    expect(path.pathname).toBe('/models/series');
    expect(path.searchParams.get('groupBy')).toBe('model');
    expect(path.searchParams.get('metric')?.split(',')).toEqual([
      'requests',
      'errorRate',
      'latencyP95',
      'ttftP95',
      'tokensPerS',
    ]);
    expect(new URL(`http://x${overviewSeriesCall.path(RANGE)}`).searchParams.has('groupBy')).toBe(
      false,
    );
  });

  it('keeps the previous answer while loading only when it is of the same split', () => {
    const search = { from: 'now-1h', to: 'now', refresh: 'off' as const };
    const answer = { series: [] } as unknown as ModelSeriesResponse;
    const split = overviewSeriesQuery(search, 'model');
    const all = overviewSeriesQuery(search);
    const keep = split.placeholderData;
    // A new range of the same split: the previous lines stay while the next answer loads.
    expect(keep(answer, { queryKey: ['overview-series-by-model', 'now-6h', 'now'] })).toBe(answer);
    // The other split's answer would be drawn wrong: nothing until the right one arrives.
    expect(keep(answer, { queryKey: all.queryKey })).toBeUndefined();
    expect(all.placeholderData(answer, { queryKey: split.queryKey })).toBeUndefined();
    expect(split.queryKey).not.toEqual(all.queryKey);
  });
});
