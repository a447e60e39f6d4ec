/**
 * OTLP/JSON bodies: what must be refused with a message naming the JSON path, and the
 * spellings the proto3 JSON mapping allows that must give the same rows as the canonical
 * form (snake_case names, enum names, unknown fields, nulls, numbers as strings).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OtlpDecodeError } from '../errors.js';
import { blockBytes, type Decoded, decode, mapOf, rows, type Signal } from '../testing/decode.js';

const fixture = (name: string) => readFileSync(new URL(`../__fixtures__/${name}`, import.meta.url));
const body = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));

function fails(signal: Signal, v: unknown): OtlpDecodeError {
  try {
    decode(signal, 'json', body(v));
  } catch (e) {
    if (e instanceof OtlpDecodeError) return e;
    throw e;
  }
  throw new Error('decoded without error');
}

function sameBlocks(a: Decoded, b: Decoded): void {
  expect(a.outcome).toEqual(b.outcome);
  for (const [name, block] of Object.entries(a.blocks))
    expect(blockBytes(b.blocks[name]!).equals(blockBytes(block)), name).toBe(true);
}

const SPAN = {
  traceId: '5b8efff798038103d269b633813fc60c',
  spanId: 'eee19b7ec3c1b174',
  name: 'op',
  startTimeUnixNano: '1',
  endTimeUnixNano: '2',
};
const spans = (span: object) => ({
  resourceSpans: [{ scopeSpans: [{ spans: [{ ...SPAN, ...span }] }] }],
});

describe('invalid JSON', () => {
  it.each([
    ['{'],
    ['{"resourceSpans": [}'],
    ['{"resourceSpans": []} x'],
    ["{'resourceSpans': []}"],
    ['\u0000'],
  ])('%j is refused', (text) => {
    expect(fails('traces', text).message).toMatch(/^invalid JSON: /);
  });

  it.each(['null', '[]', '"x"', '5', 'true'])('%s is not a request object', (text) => {
    expect(fails('logs', text).message).toBe('request body: expected an object');
  });

  it.each([
    ['traces', 'traces.json'],
    ['metrics', 'metrics.json'],
    ['logs', 'logs.json'],
  ] as const)('%s: %s cut anywhere is refused', (signal, name) => {
    const text = fixture(name);
    for (let cut = 1; cut < text.length; cut += 7)
      expect(fails(signal, text.subarray(0, cut).toString()).message).toMatch(/^invalid JSON/);
  });

  it('takes an empty or blank body as an empty request, and skips a byte order mark', () => {
    for (const text of ['', '  \n', '{}'])
      expect(decode('traces', 'json', body(text)).outcome.accepted).toBe(0);
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), fixture('logs.json')]);
    sameBlocks(decode('logs', 'json', fixture('logs.json')), decode('logs', 'json', bom));
  });
});

describe('fields of the wrong type', () => {
  const at = 'resourceSpans[0].scopeSpans[0].spans[0]';
  it.each([
    [{ resourceSpans: 5 }, 'resourceSpans: expected an array'],
    [{ resourceSpans: [5] }, 'resourceSpans[0]: expected an object'],
    [{ resourceSpans: [{ scopeSpans: {} }] }, 'resourceSpans[0].scopeSpans: expected an array'],
    [
      { resourceSpans: [{ scopeSpans: [{ spans: 5 }] }] },
      'resourceSpans[0].scopeSpans[0].spans: expected an array',
    ],
    [
      { resourceSpans: [{ scopeSpans: [{ scope: [], spans: [] }] }] },
      'resourceSpans[0].scopeSpans[0].scope: expected an object',
    ],
    [
      spans({ startTimeUnixNano: {} }),
      `${at}.startTimeUnixNano: expected an integer as a decimal string or number`,
    ],
    [
      spans({ endTimeUnixNano: '1.5' }),
      `${at}.endTimeUnixNano: expected an integer as a decimal string or number`,
    ],
    [
      spans({ endTimeUnixNano: 1.5 }),
      `${at}.endTimeUnixNano: expected an integer as a decimal string or number (unsigned)`,
    ],
    [
      spans({ endTimeUnixNano: '-1' }),
      `${at}.endTimeUnixNano: expected an integer as a decimal string or number within the unsigned 64-bit range`,
    ],
    [
      spans({ endTimeUnixNano: '18446744073709551616' }),
      `${at}.endTimeUnixNano: expected an integer as a decimal string or number within the unsigned 64-bit range`,
    ],
    [spans({ traceId: 5 }), `${at}.traceId: expected a hex string`],
    [spans({ traceId: 'W2o=' }), `${at}.traceId: expected a hex string`],
    [spans({ spanId: 'abc' }), `${at}.spanId: expected a hex string of whole bytes`],
    [spans({ name: 5 }), `${at}.name: expected a string`],
    [spans({ kind: 1.5 }), `${at}.kind: expected an enum as an integer`],
    [
      spans({ kind: 'SERVER' }),
      `${at}.kind: expected an enum as an integer or one of SPAN_KIND_UNSPECIFIED, SPAN_KIND_INTERNAL, SPAN_KIND_SERVER, SPAN_KIND_CLIENT, SPAN_KIND_PRODUCER, SPAN_KIND_CONSUMER`,
    ],
    [spans({ status: 'ok' }), `${at}.status: expected an object`],
    [spans({ status: { code: true } }), `${at}.status.code: expected an enum as an integer`],
    [spans({ attributes: {} }), `${at}.attributes: expected an array`],
    [spans({ attributes: [{ key: 1 }] }), `${at}.attributes[0].key: expected a string`],
    [
      spans({ attributes: [{ key: 'k', value: 'v' }] }),
      `${at}.attributes[0].value: expected an object`,
    ],
    [
      spans({ attributes: [{ key: 'k', value: { stringValue: 5 } }] }),
      `${at}.attributes[0].value.stringValue: expected a string`,
    ],
    [
      spans({ attributes: [{ key: 'k', value: { intValue: 'x' } }] }),
      `${at}.attributes[0].value.intValue: expected an integer as a decimal string or number`,
    ],
    [
      spans({ attributes: [{ key: 'k', value: { intValue: '9223372036854775808' } }] }),
      `${at}.attributes[0].value.intValue: expected an integer as a decimal string or number within the signed 64-bit range`,
    ],
    [
      spans({ attributes: [{ key: 'k', value: { boolValue: 'true' } }] }),
      `${at}.attributes[0].value.boolValue: expected true or false`,
    ],
    [
      spans({ attributes: [{ key: 'k', value: { doubleValue: 'fast' } }] }),
      `${at}.attributes[0].value.doubleValue: expected a number (or "NaN", "Infinity", "-Infinity")`,
    ],
    [
      spans({ attributes: [{ key: 'k', value: { bytesValue: 'not base64!' } }] }),
      `${at}.attributes[0].value.bytesValue: expected a base64 string`,
    ],
    [
      spans({
        attributes: [{ key: 'k', value: { arrayValue: { values: [{ intValue: true }] } } }],
      }),
      `${at}.attributes[0].value.arrayValue.values[0].intValue: expected an integer as a decimal string or number`,
    ],
    [
      spans({
        attributes: [
          {
            key: 'k',
            value: {
              kvlistValue: { values: [{ key: 'a', value: { kvlistValue: { values: 3 } } }] },
            },
          },
        ],
      }),
      `${at}.attributes[0].value.kvlistValue.values[0].value.kvlistValue.values: expected an array`,
    ],
    [
      spans({ events: [{ timeUnixNano: [] }] }),
      `${at}.events[0].timeUnixNano: expected an integer as a decimal string or number`,
    ],
    [spans({ links: [{ traceId: 'zz' }] }), `${at}.links[0].traceId: expected a hex string`],
    [
      {
        resourceSpans: [
          { resource: { attributes: [{ key: 'service.name', value: { stringValue: 1 } }] } },
        ],
      },
      'resourceSpans[0].resource.attributes[0].value.stringValue: expected a string',
    ],
  ])('%j', (request, message) => {
    const e = fails('traces', request);
    expect(e.message).toBe(message);
  });

  const point = 'resourceMetrics[0].scopeMetrics[0].metrics[0]';
  const metric = (m: object) => ({
    resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'm', ...m }] }] }],
  });
  it.each([
    [metric({ gauge: 5 }), `${point}.gauge: expected an object`],
    [
      metric({ gauge: { dataPoints: [{ asDouble: {} }] } }),
      `${point}.gauge.dataPoints[0].asDouble: expected a number (or "NaN", "Infinity", "-Infinity")`,
    ],
    [
      metric({ gauge: { dataPoints: [{ asInt: 1.5 }] } }),
      `${point}.gauge.dataPoints[0].asInt: expected an integer as a decimal string or number`,
    ],
    [
      metric({ sum: { isMonotonic: 1, dataPoints: [] } }),
      `${point}.sum.isMonotonic: expected true or false`,
    ],
    [
      metric({ sum: { aggregationTemporality: 'DELTA' } }),
      `${point}.sum.aggregationTemporality: expected an enum as an integer or one of AGGREGATION_TEMPORALITY_UNSPECIFIED, AGGREGATION_TEMPORALITY_DELTA, AGGREGATION_TEMPORALITY_CUMULATIVE`,
    ],
    [
      metric({ histogram: { dataPoints: [{ bucketCounts: [1, -1] }] } }),
      `${point}.histogram.dataPoints[0].bucketCounts[1]: expected an integer as a decimal string or number (unsigned)`,
    ],
    [
      metric({ histogram: { dataPoints: [{ explicitBounds: [1, null] }] } }),
      `${point}.histogram.dataPoints[0].explicitBounds[1]: expected a number (or "NaN", "Infinity", "-Infinity")`,
    ],
    [
      metric({ exponentialHistogram: { dataPoints: [{ positive: { offset: 2 ** 31 } }] } }),
      `${point}.exponentialHistogram.dataPoints[0].positive.offset: expected a 32-bit integer`,
    ],
    [
      metric({ summary: { dataPoints: [{ quantileValues: [{ quantile: 'x' }] }] } }),
      `${point}.summary.dataPoints[0].quantileValues[0].quantile: expected a number (or "NaN", "Infinity", "-Infinity")`,
    ],
    [
      metric({ gauge: { dataPoints: [{ asDouble: 1, exemplars: [{ spanId: 'xyz1' }] }] } }),
      `${point}.gauge.dataPoints[0].exemplars[0].spanId: expected a hex string`,
    ],
    [
      metric({ gauge: { dataPoints: [{ asDouble: 1, flags: -1 }] } }),
      `${point}.gauge.dataPoints[0].flags: expected an unsigned 32-bit integer`,
    ],
    [
      { resourceMetrics: [{ scopeMetrics: [{ scope: { droppedAttributesCount: 'x' } }] }] },
      'resourceMetrics[0].scopeMetrics[0].scope.droppedAttributesCount: expected an integer',
    ],
  ])('%j', (request, message) => {
    expect(fails('metrics', request).message).toBe(message);
  });

  const record = 'resourceLogs[0].scopeLogs[0].logRecords[0]';
  const log = (r: object) => ({ resourceLogs: [{ scopeLogs: [{ logRecords: [r] }] }] });
  it.each([
    [
      log({ severityNumber: 'INFO' }),
      `${record}.severityNumber: expected an enum as an integer or one of`,
    ],
    [log({ body: 'text' }), `${record}.body: expected an object`],
    [log({ body: { arrayValue: [] } }), `${record}.body.arrayValue: expected an object`],
    [
      log({ observedTimeUnixNano: true }),
      `${record}.observedTimeUnixNano: expected an integer as a decimal string or number`,
    ],
    [
      { resourceLogs: [{ scopeLogs: [{ logRecords: [], schemaUrl: 1 }] }] },
      'resourceLogs[0].scopeLogs[0].schemaUrl: expected a string',
    ],
  ])('%j', (request, message) => {
    expect(fails('logs', request).message.startsWith(message)).toBe(true);
  });

  it('refuses arrays and maps nested deeper than 64', () => {
    let v: object = { stringValue: 'x' };
    for (let i = 0; i < 1000; i++) v = { arrayValue: { values: [v] } };
    expect(fails('traces', spans({ attributes: [{ key: 'k', value: v }] })).message).toMatch(
      /expected array and map values nested at most 64 deep$/,
    );
  });
});

/** Rewrites every object key of a JSON value. */
function renameKeys(v: unknown, rename: (key: string) => string): unknown {
  if (Array.isArray(v)) return v.map((x) => renameKeys(x, rename));
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [rename(k), renameKeys(x, rename)]),
    );
  return v;
}
/** Rewrites values under the given keys. */
function mapValues(v: unknown, f: (key: string, value: unknown) => unknown): unknown {
  if (Array.isArray(v)) return v.map((x) => mapValues(x, f));
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, f(k, mapValues(x, f))]));
  return v;
}

describe('equivalent spellings give identical rows', () => {
  const signals = [
    ['traces', 'traces.json'],
    ['metrics', 'metrics.json'],
    ['metrics', 'metrics-crafted.json'],
    ['logs', 'logs.json'],
  ] as const;
  const canonical = (name: string) => JSON.parse(fixture(name).toString());

  it.each(signals)('%s: %s with the original snake_case field names', (signal, name) => {
    const snake = renameKeys(canonical(name), (k) =>
      k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
    );
    expect(JSON.stringify(snake)).toMatch(/resource_(spans|metrics|logs)/);
    sameBlocks(decode(signal, 'json', fixture(name)), decode(signal, 'json', body(snake)));
  });

  it.each(signals)(
    '%s: %s with unknown fields everywhere and null for absent ones',
    (signal, name) => {
      const noisy = mapValues(canonical(name), (_, v) =>
        v && typeof v === 'object' && !Array.isArray(v)
          ? { futureField: { nested: [1, 2] }, another: null, droppedAttributesCount: null, ...v }
          : v,
      );
      sameBlocks(decode(signal, 'json', fixture(name)), decode(signal, 'json', body(noisy)));
    },
  );

  it.each(signals)('%s: %s with 64-bit integers as numbers, ids in upper case', (signal, name) => {
    const changed = mapValues(canonical(name), (k, v) => {
      if (typeof v === 'string' && /TimeUnixNano$|^count$|^zeroCount$/.test(k)) {
        const n = Number(v);
        return Number.isSafeInteger(n) ? n : v;
      }
      if (typeof v === 'string' && /^(traceId|spanId|parentSpanId)$/.test(k))
        return v.toUpperCase();
      if (k === 'intValue' && typeof v === 'number' && Math.abs(v) < 2 ** 63)
        return String(BigInt(v));
      return v;
    });
    sameBlocks(decode(signal, 'json', fixture(name)), decode(signal, 'json', body(changed)));
  });

  it('enum names instead of numbers', () => {
    const names: Record<string, string[]> = {
      kind: [
        'SPAN_KIND_UNSPECIFIED',
        'SPAN_KIND_INTERNAL',
        'SPAN_KIND_SERVER',
        'SPAN_KIND_CLIENT',
        'SPAN_KIND_PRODUCER',
        'SPAN_KIND_CONSUMER',
      ],
      code: ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'],
      aggregationTemporality: [
        'AGGREGATION_TEMPORALITY_UNSPECIFIED',
        'AGGREGATION_TEMPORALITY_DELTA',
        'AGGREGATION_TEMPORALITY_CUMULATIVE',
      ],
      severityNumber: [
        'SEVERITY_NUMBER_UNSPECIFIED',
        'SEVERITY_NUMBER_TRACE',
        'SEVERITY_NUMBER_TRACE2',
        'SEVERITY_NUMBER_TRACE3',
        'SEVERITY_NUMBER_TRACE4',
        'SEVERITY_NUMBER_DEBUG',
        'SEVERITY_NUMBER_DEBUG2',
        'SEVERITY_NUMBER_DEBUG3',
        'SEVERITY_NUMBER_DEBUG4',
        'SEVERITY_NUMBER_INFO',
        'SEVERITY_NUMBER_INFO2',
        'SEVERITY_NUMBER_INFO3',
        'SEVERITY_NUMBER_INFO4',
        'SEVERITY_NUMBER_WARN',
        'SEVERITY_NUMBER_WARN2',
        'SEVERITY_NUMBER_WARN3',
        'SEVERITY_NUMBER_WARN4',
        'SEVERITY_NUMBER_ERROR',
        'SEVERITY_NUMBER_ERROR2',
        'SEVERITY_NUMBER_ERROR3',
        'SEVERITY_NUMBER_ERROR4',
        'SEVERITY_NUMBER_FATAL',
        'SEVERITY_NUMBER_FATAL2',
        'SEVERITY_NUMBER_FATAL3',
        'SEVERITY_NUMBER_FATAL4',
      ],
    };
    const named = (v: unknown) =>
      mapValues(v, (k, x) => (typeof x === 'number' && names[k] ? names[k]![x] : x));
    for (const [signal, name] of [
      ['traces', 'traces.json'],
      ['metrics', 'metrics.json'],
      ['logs', 'logs.json'],
    ] as const) {
      const request = named(canonical(name));
      expect(JSON.stringify(request)).toMatch(
        /"(SPAN_KIND|AGGREGATION_TEMPORALITY|SEVERITY_NUMBER)_/,
      );
      sameBlocks(decode(signal, 'json', fixture(name)), decode(signal, 'json', body(request)));
    }
  });

  it('bytes in URL-safe or unpadded base64 are stored in standard base64', () => {
    const d = decode(
      'traces',
      'json',
      body(
        spans({
          attributes: [
            { key: 'url', value: { bytesValue: '-_8' } },
            { key: 'std', value: { bytesValue: '+/8=' } },
            { key: 'arr', value: { arrayValue: { values: [{ bytesValue: 'AAEC' }] } } },
          ],
        }),
      ),
    );
    expect(mapOf(rows(d.blocks.traces!)[0]!.SpanAttributes)).toEqual({
      url: '+/8=',
      std: '+/8=',
      arr: '["AAEC"]',
    });
  });

  it('an intValue number outside int64 is kept as the double the JS exporter held', () => {
    const d = decode(
      'traces',
      'json',
      body(
        spans({
          attributes: [
            { key: 'huge', value: { intValue: 1.5e300 } },
            { key: 'two63', value: { intValue: 2 ** 63 } },
            { key: 'two60', value: { intValue: 2 ** 60 } },
            { key: 'negzero', value: { intValue: -0 } },
          ],
        }),
      ),
    );
    expect(mapOf(rows(d.blocks.traces!)[0]!.SpanAttributes)).toEqual({
      huge: '1.5e+300',
      two63: '9223372036854776000',
      two60: '1152921504606846976',
      negzero: '0',
    });
  });
});
