import { describe, expect, test } from 'vitest';
import { AppError } from '../errors.js';
import { columnFeature, parseTypes, SampleCollector } from './sample.js';

function refusal(fn: () => void): { message: string; field: string | undefined } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    const e = err as AppError;
    expect(e.status).toBe(400);
    return { message: e.message, field: e.options.field };
  }
  throw new Error('expected a refusal');
}

describe('JSON samples are typed by JSON type', () => {
  test('numbers numeric, strings and booleans categorical, null missing', () => {
    const s = new SampleCollector(100);
    s.addJsonRow({ amount: 1.5, country: 'de', vip: true, zip: '10115' }, 0);
    s.addJsonRow({ amount: 2, country: null }, 1);
    expect(s.types()).toEqual({
      amount: 'numeric',
      country: 'categorical',
      vip: 'categorical',
      zip: 'categorical',
    });
    expect([...s.values()]).toEqual([
      { kind: 'feature', feature: 'amount', is_numeric: 1, num: 1.5, cat: '' },
      { kind: 'feature', feature: 'amount', is_numeric: 1, num: 2, cat: '' },
      { kind: 'feature', feature: 'country', is_numeric: 0, num: 0, cat: 'de' },
      { kind: 'feature', feature: 'vip', is_numeric: 0, num: 0, cat: 'true' },
      { kind: 'feature', feature: 'zip', is_numeric: 0, num: 0, cat: '10115' },
    ]);
  });

  test('a column with numbers and strings is refused at the row and column', () => {
    const s = new SampleCollector(100);
    s.addJsonRow({ amount: 1 }, 0);
    expect(refusal(() => s.addJsonRow({ amount: '2' }, 1)).field).toBe('sample[1].amount');
    expect(refusal(() => s.addJsonRow([1], 2)).field).toBe('sample[2]');
    expect(refusal(() => s.addJsonRow({ x: { y: 1 } }, 3)).field).toBe('sample[3].x');
  });

  test('prediction columns are the model outputs', () => {
    expect(columnFeature('prediction.score')).toEqual({
      kind: 'prediction',
      feature: 'prediction.score',
    });
    expect(columnFeature('aiobs.prediction.label')).toEqual({
      kind: 'prediction',
      feature: 'prediction.label',
    });
    expect(columnFeature('aiobs.feature.amount')).toEqual({ kind: 'feature', feature: 'amount' });
    expect(columnFeature('prediction.other')).toEqual({
      kind: 'feature',
      feature: 'prediction.other',
    });
  });
});

describe('CSV samples are typed by the types parameter', () => {
  test('types parse; names may contain colons', () => {
    expect([...parseTypes('a:numeric, b:c:categorical')]).toEqual([
      ['a', 'numeric'],
      ['b:c', 'categorical'],
    ]);
    expect(refusal(() => parseTypes(undefined)).field).toBe('types');
    expect(refusal(() => parseTypes('a:number')).field).toBe('types');
    expect(refusal(() => parseTypes('a:numeric,a:categorical')).field).toBe('types');
  });

  test('header and types must name the same columns', () => {
    const types = parseTypes('a:numeric,b:categorical');
    expect(refusal(() => new SampleCollector(10).setCsvHeader(['a'], types)).message).toMatch(
      /"b"/,
    );
    expect(
      refusal(() => new SampleCollector(10).setCsvHeader(['a', 'b', 'c'], types)).message,
    ).toMatch(/"c"/);
    expect(refusal(() => new SampleCollector(10).setCsvHeader(['a', 'a'], types)).field).toBe(
      'header',
    );
  });

  test('numeric cells must be numbers, however they look; empty cells are missing', () => {
    const s = new SampleCollector(10);
    s.setCsvHeader(['a', 'b'], parseTypes('a:numeric,b:categorical'));
    s.addCsvRecord(['1e3', '007'], 1);
    s.addCsvRecord(['', 'x'], 2);
    s.addCsvRecord(['-.5', ''], 3);
    expect([...s.values()].map((v) => (v.is_numeric ? v.num : v.cat))).toEqual([
      1000,
      -0.5,
      '007',
      'x',
    ]);
    for (const bad of ['abc', '0x10', ' 1', 'Infinity', '1e999'])
      expect(refusal(() => s.addCsvRecord([bad, 'y'], 4))).toMatchObject({ field: 'rows[4].a' });
  });
});

describe('the cap keeps a uniform sample', () => {
  test('at most cap values per column; every part of the range kept about equally', () => {
    const cap = 1000;
    const s = new SampleCollector(cap);
    s.setCsvHeader(['x'], parseTypes('x:numeric'));
    const n = 20_000;
    for (let i = 0; i < n; i++) s.addCsvRecord([String(i)], i + 1);
    const kept = [...s.values()].map((v) => v.num);
    expect(kept).toHaveLength(cap);
    expect(s.seen()).toEqual({ x: n });
    // 10 equal parts of the input order: each holds cap/10 = 100 expected, binomial sd ≈ 9.5;
    // 5 sd either side.
    const parts = Array(10).fill(0);
    for (const v of kept) parts[Math.floor(v / (n / 10))]++;
    for (const p of parts) expect(Math.abs(p - 100)).toBeLessThan(48);
    // The same input keeps the same sample.
    const again = new SampleCollector(cap);
    again.setCsvHeader(['x'], parseTypes('x:numeric'));
    for (let i = 0; i < n; i++) again.addCsvRecord([String(i)], i + 1);
    expect([...again.values()].map((v) => v.num)).toEqual(kept);
  });
});
