import { describe, expect, it } from 'vitest';
import { ByteSink } from '../../storage/native/byte-sink.js';
import { anyValueString } from './attributes.js';
import { SEVERITY_NUMBER_ENUM, SPAN_KIND_ENUM } from './enum-names.js';
import {
  base64,
  double,
  doubleArray,
  enumValue,
  hexId,
  int32,
  int64Number,
  int64Text,
  isZeroHex,
  JsonShapeError,
  u64,
  uint64,
  uint64Array,
  within,
} from './values.js';

const read64 = (v: unknown) => {
  uint64(v, 'f');
  return (BigInt(u64.hi) << 32n) | BigInt(u64.lo);
};

describe('uint64', () => {
  it.each([
    ['0', 0n],
    ['007', 7n],
    ['4294967295', 0xffff_ffffn],
    ['4294967296', 0x1_0000_0000n],
    ['999999999999999', 999_999_999_999_999n],
    ['1750000000123456789', 1_750_000_000_123_456_789n],
    ['18446744073709551615', 0xffff_ffff_ffff_ffffn],
    [0, 0n],
    [4294967296, 0x1_0000_0000n],
    [Number.MAX_SAFE_INTEGER, 9_007_199_254_740_991n],
    [2 ** 63, 1n << 63n],
    [null, 0n],
    [undefined, 0n],
  ])('%j → %s', (v, want) => {
    expect(read64(v)).toBe(want);
  });

  it.each(['', '-1', '1e3', ' 1', '0x10', '18446744073709551616', -1, 1.5, 2 ** 64, {}, [], true])(
    'refuses %j',
    (v) => {
      expect(() => uint64(v, 'f')).toThrow(JsonShapeError);
    },
  );

  it('reads arrays of them into a sink', () => {
    const sink = new ByteSink(8);
    expect(uint64Array([1, '2', 2 ** 40, '18446744073709551615'], 'b', sink)).toBe(4);
    expect(sink.view()).toEqual(
      Buffer.from([
        ...[1, 0, 0, 0, 0, 0, 0, 0],
        ...[2, 0, 0, 0, 0, 0, 0, 0],
        ...[0, 0, 0, 0, 0, 1, 0, 0],
        ...Array(8).fill(0xff),
      ]),
    );
    expect(() => uint64Array([1, null], 'b', sink)).toThrow('b[1]: expected an integer');
    expect(uint64Array(null, 'b', sink)).toBe(0);
  });
});

describe('int64', () => {
  it.each([
    ['-9223372036854775808', '-9223372036854775808'],
    ['9223372036854775807', '9223372036854775807'],
    ['-0', '0'],
    ['-007', '-7'],
    ['000000000000000000000001', '1'],
    [-0, '0'],
    [-(2 ** 63), '-9223372036854775808'],
    [2 ** 60, '1152921504606846976'],
    [2 ** 64, '18446744073709552000'],
    [null, '0'],
  ])('%j → %s', (v, want) => {
    expect(int64Text(v, 'i')).toBe(want);
  });

  it.each(['9223372036854775808', '-9223372036854775809', '1.0', 'abc', 1.5, Number.NaN, true])(
    'refuses %j',
    (v) => {
      expect(() => int64Text(v, 'i')).toThrow(JsonShapeError);
    },
  );

  it('as_int becomes the nearest double', () => {
    expect(int64Number('9007199254740993', 'i')).toBe(9007199254740992);
    expect(int64Number('-9223372036854775808', 'i')).toBe(-(2 ** 63));
    expect(int64Number(-3, 'i')).toBe(-3);
  });
});

describe('double', () => {
  it.each([
    [1.5, 1.5],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['-1.25e-3', -0.00125],
    ['0', 0],
    [null, 0],
  ])('%j → %s', (v, want) => {
    expect(double(v, 'd')).toBe(want);
  });

  it.each(['inf', '1.', '.5', '01', '', true, {}])('refuses %j', (v) => {
    expect(() => double(v, 'd')).toThrow(JsonShapeError);
  });

  it('reads arrays of them into a sink', () => {
    const sink = new ByteSink(8);
    expect(doubleArray([0.5, '2', 'Infinity'], 'x', sink)).toBe(3);
    expect([0, 8, 16].map((o) => sink.buf.readDoubleLE(o))).toEqual([0.5, 2, Infinity]);
    expect(() => doubleArray(['x'], 'x', sink)).toThrow('x[0]: expected a number');
  });
});

describe('ids, bytes, enums, 32-bit integers', () => {
  it('reads hex ids in any case, as lowercase', () => {
    expect(hexId('5B8EFFF798038103D269B633813FC60C', 't')).toBe('5b8efff798038103d269b633813fc60c');
    expect(hexId('', 't')).toBe('');
    expect(hexId(null, 't')).toBe('');
    expect(() => hexId('5b8g', 't')).toThrow('t: expected a hex string');
    expect(() => hexId('abc', 't')).toThrow('t: expected a hex string of whole bytes');
    expect(() => hexId('W46P95gDgQPSabYzgT/GDA==', 't')).toThrow('t: expected a hex string');
    expect(isZeroHex('0000')).toBe(true);
    expect(isZeroHex('0010')).toBe(false);
  });

  it('re-encodes base64 in its standard padded form', () => {
    expect(base64('+/8=', 'b')).toBe('+/8=');
    expect(base64('-_8', 'b')).toBe('+/8=');
    expect(base64('', 'b')).toBe('');
    for (const bad of ['a', 'ab$c', 'ab==c', '+_8=', 5])
      expect(() => base64(bad, 'b'), String(bad)).toThrow('b: expected a base64 string');
  });

  it('reads enums as integers or names', () => {
    expect(enumValue(2, 'k', SPAN_KIND_ENUM)).toBe(2);
    expect(enumValue(-1, 'k', SPAN_KIND_ENUM)).toBe(-1);
    expect(enumValue('SPAN_KIND_CONSUMER', 'k', SPAN_KIND_ENUM)).toBe(5);
    expect(enumValue('SEVERITY_NUMBER_FATAL4', 's', SEVERITY_NUMBER_ENUM)).toBe(24);
    expect(enumValue('SEVERITY_NUMBER_WARN', 's', SEVERITY_NUMBER_ENUM)).toBe(13);
    expect(() => enumValue('2', 'k', SPAN_KIND_ENUM)).toThrow(JsonShapeError);
    expect(() => enumValue(2 ** 31, 'k', SPAN_KIND_ENUM)).toThrow(JsonShapeError);
  });

  it('reads 32-bit integers as numbers or strings', () => {
    expect(int32('4294967295', 'f', true)).toBe(0xffff_ffff);
    expect(int32(-2147483648, 'o', false)).toBe(-(2 ** 31));
    expect(() => int32(2 ** 32, 'f', true)).toThrow('f: expected an unsigned 32-bit integer');
    expect(() => int32(2 ** 31, 'o', false)).toThrow('o: expected a 32-bit integer');
    expect(() => int32('1.5', 'o', false)).toThrow('o: expected an integer');
  });
});

describe('anyValueString', () => {
  it.each([
    [{ stringValue: 'héllo' }, 'héllo'],
    [{ boolValue: false }, 'false'],
    [{ intValue: '-5' }, '-5'],
    [{ doubleValue: 0.1 }, '0.1'],
    [{ doubleValue: -0 }, '-0'],
    [{ doubleValue: 1e21 }, '1e+21'],
    [{ doubleValue: 'NaN' }, 'NaN'],
    [{ doubleValue: '-Infinity' }, '-Inf'],
    [{ bytesValue: 'AAEC' }, 'AAEC'],
    [{}, ''],
    [null, ''],
    [{ arrayValue: {} }, '[]'],
    [
      {
        arrayValue: { values: [{}, { doubleValue: 'Infinity' }, { intValue: '9007199254740993' }] },
      },
      '[null,"+Inf",9007199254740993]',
    ],
    [
      {
        kvlistValue: {
          values: [
            { key: 'z', value: { boolValue: true } },
            { key: 'a' },
            { key: 'm', value: { kvlistValue: {} } },
          ],
        },
      },
      '{"a":null,"m":{},"z":true}',
    ],
    [{ string_value: 'snake' }, 'snake'],
  ])('%j → %s', (v, want) => {
    expect(anyValueString(v)).toBe(want);
  });
});

describe('within', () => {
  it('builds the JSON path on the way out', () => {
    const e = within(
      within(within(new JsonShapeError('name', 'a string'), 'spans', 2), 'scopeSpans', 0),
      'x',
    );
    expect((e as Error).message).toBe('x.scopeSpans[0].spans[2].name: expected a string');
    const plain = new Error('other');
    expect(within(plain, 'x')).toBe(plain);
  });
});
