import { describe, expect, test } from 'vitest';
import { FeatureValuesBlock } from '../storage/tables/feature-values-block.js';
import { TracesBlock } from '../storage/tables/traces-block.js';
import { decodeTracesJson } from './json/decode-traces.js';
import { DecodeOutcome } from './outcome.js';
import { decodeTracesProto } from './protobuf/decode-traces.js';
import { context, REQUEST_TYPE, rows } from './testing/decode.js';
import { encodeOtlpProtobuf } from './testing/otlp-protobuf.js';

// Typed drift inputs are written by both trace decoders beside accepted spans, numeric or
// categorical by the value's OTLP type; the same request gives the same rows either way.

const T = '1767225600000000000'; // 2026-01-01T00:00:00Z
const TRACE = '5b8efff798038103d269b633813fc60c';
const attr = (key: string, value: object) => ({ key, value });
const span = (spanId: string, attributes: object[], traceId = TRACE) => ({
  traceId,
  spanId,
  name: 'predict',
  kind: 3,
  startTimeUnixNano: T,
  endTimeUnixNano: T,
  attributes,
});

const request = {
  resourceSpans: [
    {
      resource: { attributes: [attr('service.name', { stringValue: 'scorer' })] },
      scopeSpans: [
        {
          scope: { name: 'aiobs' },
          spans: [
            span('eee19b7ec3c1b174', [
              attr('gen_ai.operation.name', { stringValue: 'predict' }),
              attr('gen_ai.request.model', { stringValue: 'fraud-xgb' }),
              attr('aiobs.model.version', { stringValue: 'v3' }),
              attr('aiobs.deployment.variant', { stringValue: 'b' }),
              attr('aiobs.prediction.id', { stringValue: 'p-1' }),
              attr('aiobs.feature.amount', { intValue: '42' }),
              attr('aiobs.feature.ratio', { doubleValue: 0.5 }),
              // Text that looks like a number stays categorical: the OTLP type decides.
              attr('aiobs.feature.zip', { stringValue: '10115' }),
              attr('aiobs.feature.vip', { boolValue: true }),
              attr('aiobs.feature.tags', { arrayValue: { values: [{ stringValue: 'x' }] } }),
              attr('aiobs.prediction.score', { doubleValue: 0.875 }),
              attr('aiobs.prediction.label', { stringValue: 'fraud' }),
              attr('http.route', { stringValue: '/score' }),
            ]),
            // No drift inputs: no rows.
            span('eee19b7ec3c1b175', [attr('gen_ai.request.model', { stringValue: 'fraud-xgb' })]),
            // Rejected span (zero trace id): its features must not be written either.
            span(
              'eee19b7ec3c1b176',
              [attr('aiobs.feature.amount', { intValue: '7' })],
              '00000000000000000000000000000000',
            ),
            // Only a response model: it names the model.
            span('eee19b7ec3c1b177', [
              attr('gen_ai.response.model', { stringValue: 'gpt-x-2025' }),
              attr('aiobs.feature.temperature', { doubleValue: -1.5 }),
            ]),
          ],
        },
      ],
    },
  ],
};

const base = {
  project_id: 'proj-1',
  time: 1767225600000000000n,
  num: 0,
  cat: '',
};
const EXPECTED = [
  { feature: 'amount', kind: 'feature', is_numeric: 1, num: 42 },
  { feature: 'ratio', kind: 'feature', is_numeric: 1, num: 0.5 },
  { feature: 'zip', kind: 'feature', is_numeric: 0, cat: '10115' },
  { feature: 'vip', kind: 'feature', is_numeric: 0, cat: 'true' },
  { feature: 'prediction.score', kind: 'prediction', is_numeric: 1, num: 0.875 },
  { feature: 'prediction.label', kind: 'prediction', is_numeric: 0, cat: 'fraud' },
]
  .map((r) => ({
    ...base,
    model: 'fraud-xgb',
    version: 'v3',
    variant: 'b',
    prediction_id: 'p-1',
    ...r,
  }))
  .concat([
    {
      ...base,
      model: 'gpt-x-2025',
      version: '',
      variant: '',
      prediction_id: '',
      feature: 'temperature',
      kind: 'feature',
      is_numeric: 1,
      num: -1.5,
    },
  ]);

function decodeWith(encoding: 'pb' | 'json', features: FeatureValuesBlock | undefined) {
  const ctx = { ...context(), features };
  const outcome = new DecodeOutcome();
  const body =
    encoding === 'pb'
      ? encodeOtlpProtobuf(REQUEST_TYPE.traces, request)
      : Buffer.from(JSON.stringify(request));
  const block = new TracesBlock();
  (encoding === 'pb' ? decodeTracesProto : decodeTracesJson)(body, block, ctx, outcome);
  return { outcome, block };
}

describe('typed feature rows from the trace decoders', () => {
  test.each(['pb', 'json'] as const)('%s', (encoding) => {
    const features = new FeatureValuesBlock();
    const { outcome, block } = decodeWith(encoding, features);
    expect(outcome.accepted).toBe(3);
    expect(outcome.rejected).toBe(1);
    expect(block.rows).toBe(3);
    const got = rows(features).map((r) => Object.fromEntries(Object.entries(r)));
    expect(got).toEqual(EXPECTED.map((e) => expect.objectContaining(e)));
    expect(got).toHaveLength(EXPECTED.length);
  });

  test('the span rows are the same with and without the feature block', () => {
    for (const encoding of ['pb', 'json'] as const) {
      const a = rows(decodeWith(encoding, new FeatureValuesBlock()).block);
      const b = rows(decodeWith(encoding, undefined).block);
      expect(a).toEqual(b);
    }
  });

  test('only the attributes the span row keeps count (--max-attributes-per-record)', () => {
    const features = new FeatureValuesBlock();
    const ctx = { ...context(4096, 'proj-1', { maxAttributes: 6 }), features };
    decodeTracesProto(
      encodeOtlpProtobuf(REQUEST_TYPE.traces, request),
      new TracesBlock(),
      ctx,
      new DecodeOutcome(),
    );
    // Span 1 keeps its first 6 attributes: amount only; span 4 keeps both.
    expect(rows(features).map((r) => r.feature)).toEqual(['amount', 'temperature']);
  });
});
