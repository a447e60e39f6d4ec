import { describe, expect, test } from 'vitest';
import {
  escapeHelp,
  escapeLabelValue,
  formatExposition,
  formatValue,
  type MetricFamily,
  negotiateFormat,
} from './exposition.js';

const families: MetricFamily[] = [
  {
    type: 'counter',
    name: 'x_requests',
    help: 'calls\nwith "quotes" and a \\ backslash',
    points: [{ labels: { model: 'a"b\\c\nd' }, value: 3, created: 1700000000 }],
  },
  {
    type: 'histogram',
    name: 'x_duration_seconds',
    help: 'durations',
    unit: 'seconds',
    points: [
      {
        labels: { model: 'm' },
        buckets: [
          [0.01, 1],
          [1, 2],
        ],
        count: 5,
        sum: 12.5,
        created: 1700000000,
      },
    ],
  },
  { type: 'gauge', name: 'x_util_ratio', help: 'u', points: [{ labels: {}, value: 0.25 }] },
  { type: 'histogram', name: 'x_empty_seconds', help: 'none yet', points: [] },
];

describe('Prometheus text format 0.0.4', () => {
  const text = formatExposition(families, 'prometheus');

  test('counter family named by its _total sample; HELP escapes \\ and newline only', () => {
    expect(text).toContain(
      '# HELP x_requests_total calls\\nwith "quotes" and a \\\\ backslash\n# TYPE x_requests_total counter\n',
    );
    expect(text).toContain('x_requests_total{model="a\\"b\\\\c\\nd"} 3\n');
    expect(text).not.toContain('_created');
    expect(text).not.toContain('# UNIT');
    expect(text).not.toContain('# EOF');
  });

  test('histogram: cumulative buckets in order, +Inf equal to _count, then _sum and _count', () => {
    expect(text).toContain(
      [
        '# TYPE x_duration_seconds histogram',
        'x_duration_seconds_bucket{model="m",le="0.01"} 1',
        'x_duration_seconds_bucket{model="m",le="1"} 2',
        'x_duration_seconds_bucket{model="m",le="+Inf"} 5',
        'x_duration_seconds_sum{model="m"} 12.5',
        'x_duration_seconds_count{model="m"} 5',
      ].join('\n'),
    );
  });

  test('a gauge without labels; a family without points keeps its HELP and TYPE', () => {
    expect(text).toContain('# TYPE x_util_ratio gauge\nx_util_ratio 0.25\n');
    expect(text).toMatch(/# HELP x_empty_seconds none yet\n# TYPE x_empty_seconds histogram\n$/);
  });

  test('every line is a comment or `name{labels} value`; the text ends with a newline', () => {
    expect(text.endsWith('\n')).toBe(true);
    for (const l of text.trimEnd().split('\n'))
      expect(l).toMatch(/^(# (HELP|TYPE) \S+ .*|[a-zA-Z_:][\w:]*(\{.*\})? \S+)$/);
  });
});

describe('OpenMetrics 1.0', () => {
  const text = formatExposition(families, 'openmetrics');

  test('counter family without _total; the sample has it, plus _created; HELP escapes quotes', () => {
    expect(text).toContain(
      '# HELP x_requests calls\\nwith \\"quotes\\" and a \\\\ backslash\n# TYPE x_requests counter\n',
    );
    expect(text).toContain('x_requests_total{model="a\\"b\\\\c\\nd"} 3\n');
    expect(text).toContain('x_requests_created{model="a\\"b\\\\c\\nd"} 1700000000\n');
  });

  test('UNIT line, integral le written as 1.0, _created after _count, ends with # EOF', () => {
    expect(text).toContain('# UNIT x_duration_seconds seconds\n');
    expect(text).toContain('x_duration_seconds_bucket{model="m",le="1.0"} 2\n');
    expect(text).toContain(
      'x_duration_seconds_count{model="m"} 5\nx_duration_seconds_created{model="m"} 1700000000\n',
    );
    expect(text.endsWith('# EOF\n')).toBe(true);
    expect(text.indexOf('# EOF')).toBe(text.length - 6);
  });
});

describe('pieces', () => {
  test('values: integers plain, infinities and NaN spelled out', () => {
    expect(formatValue(42)).toBe('42');
    expect(formatValue(0.1)).toBe('0.1');
    expect(formatValue(Number.POSITIVE_INFINITY)).toBe('+Inf');
    expect(formatValue(Number.NEGATIVE_INFINITY)).toBe('-Inf');
    expect(formatValue(Number.NaN)).toBe('NaN');
  });

  test('escaping', () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
    expect(escapeHelp('a"b', 'prometheus')).toBe('a"b');
    expect(escapeHelp('a"b', 'openmetrics')).toBe('a\\"b');
  });

  test('bad names are refused rather than written', () => {
    expect(() =>
      formatExposition([{ type: 'gauge', name: 'bad-name', help: '', points: [] }], 'prometheus'),
    ).toThrow(/metric name/);
    expect(() =>
      formatExposition(
        [{ type: 'gauge', name: 'ok', help: '', points: [{ labels: { 'a.b': 'x' }, value: 1 }] }],
        'prometheus',
      ),
    ).toThrow(/label name/);
  });

  test('Accept negotiation', () => {
    expect(negotiateFormat(undefined)).toBe('prometheus');
    expect(negotiateFormat('text/plain')).toBe('prometheus');
    expect(negotiateFormat('*/*')).toBe('prometheus');
    expect(negotiateFormat('application/openmetrics-text; version=1.0.0')).toBe('openmetrics');
    // What Prometheus 2.x sends by default.
    expect(
      negotiateFormat(
        'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
      ),
    ).toBe('openmetrics');
    expect(negotiateFormat('text/plain;version=0.0.4,application/openmetrics-text;q=0.5')).toBe(
      'prometheus',
    );
    expect(negotiateFormat('application/openmetrics-text;q=0')).toBe('prometheus');
  });
});
