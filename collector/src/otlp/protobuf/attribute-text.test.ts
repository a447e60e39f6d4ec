import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBoth, mapOf, rows } from '../testing/decode.js';

/** A traces request with one span whose attributes are `attributes` (OTLP/JSON objects). */
function request(attributes: { key: string; value: unknown }[]) {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
        scopeSpans: [
          {
            scope: { name: 's' },
            spans: [
              {
                traceId: '0af7651916cd43dd8448eb211c80319c',
                spanId: 'b7ad6b7169203331',
                name: 'n',
                startTimeUnixNano: '1750000000000000000',
                endTimeUnixNano: '1750000000000000001',
                attributes,
              },
            ],
          },
        ],
      },
    ],
  };
}

/** The span's attributes as stored, decoded from protobuf and from JSON. */
function storedBothWays(attributes: { key: string; value: unknown }[]) {
  const { pb, json } = decodeBoth('traces', request(attributes));
  const [pbRow] = rows(pb.blocks.traces!);
  const [jsonRow] = rows(json.blocks.traces!);
  return { pb: mapOf(pbRow!.SpanAttributes), json: mapOf(jsonRow!.SpanAttributes) };
}

// The protobuf decoder writes arrays of plain ASCII strings and numbers straight into the
// column (no value tree, no UTF-8 encoder); the JSON decoder always goes the general way,
// so the two must agree on every value.
describe('attribute values written as text by the protobuf decoder', () => {
  it('arrays of strings are the JSON the general path writes', () => {
    const element = fc.oneof(
      fc.string({ unit: 'binary-ascii', maxLength: 12 }),
      fc.string({ unit: 'grapheme', maxLength: 4 }),
      fc.constantFrom('stop', 'length', '', '<b>', 'a&b', 'q"uote', 'back\\slash', '\u2028'),
    );
    fc.assert(
      fc.property(fc.array(element, { maxLength: 6 }), (strings) => {
        const value = { arrayValue: { values: strings.map((s) => ({ stringValue: s })) } };
        const { pb, json } = storedBothWays([{ key: 'a', value }]);
        expect(pb.a).toBe(json.a);
      }),
      { numRuns: 300 },
    );
  });

  it('arrays that are not all strings, and empty elements, keep the general path', () => {
    const { pb, json } = storedBothWays([
      { key: 'mixed', value: { arrayValue: { values: [{ stringValue: 'x' }, { intValue: 3 }] } } },
      { key: 'holes', value: { arrayValue: { values: [{ stringValue: 'x' }, {}] } } },
      { key: 'empty', value: { arrayValue: {} } },
      { key: 'reasons', value: { arrayValue: { values: [{ stringValue: 'stop' }] } } },
    ]);
    expect(pb).toEqual(json);
    expect(pb).toEqual({ mixed: '["x",3]', holes: '["x",null]', empty: '[]', reasons: '["stop"]' });
  });

  it('integers and doubles are their decimal text', () => {
    const ints = [0, 1, 9, 10, 99, 100, 123456789, 4294967295, 4294967296, -1, -42];
    const doubles = [0, -0, 0.7, 1e-7, 1.5e300, -3.25, 2 ** 53, 0.1 + 0.2];
    const attributes = [
      ...ints.map((v, i) => ({ key: `i${i}`, value: { intValue: v } })),
      { key: 'imax', value: { intValue: '9223372036854775807' } },
      { key: 'imin', value: { intValue: '-9223372036854775808' } },
      ...doubles.map((v, i) => ({ key: `d${i}`, value: { doubleValue: v } })),
    ];
    const { pb, json } = storedBothWays(attributes);
    // JSON.stringify writes -0 as 0, so only the protobuf request carries it.
    expect(pb.d1).toBe('-0');
    expect({ ...pb, d1: '0' }).toEqual(json);
    expect(ints.map((_, i) => pb[`i${i}`])).toEqual(ints.map(String));
    expect(pb.imax).toBe('9223372036854775807');
    expect(pb.imin).toBe('-9223372036854775808');
    expect(pb.d7).toBe('0.30000000000000004');
  });
});
