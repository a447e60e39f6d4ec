/**
 * Bytes that are not a well-formed OTLP message must throw `OtlpDecodeError` (answered
 * 400), never another error, a hang or a crash: truncation at every byte, random
 * corruption, lengths past the end, unknown wire types, nesting bombs.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OtlpDecodeError } from '../errors.js';
import { decode, type Signal } from '../testing/decode.js';
import { ProtoDecodeError } from './reader.js';

const fixture = (name: string) => readFileSync(new URL(`../__fixtures__/${name}`, import.meta.url));
const FIXTURES: [Signal, string][] = [
  ['traces', 'traces.pb'],
  ['metrics', 'metrics.pb'],
  ['metrics', 'metrics-crafted.pb'],
  ['logs', 'logs.pb'],
];

/** Offsets where a top-level field ends: cutting there leaves a valid, shorter request. */
function topLevelBoundaries(buf: Buffer): Set<number> {
  const ends = new Set<number>([0]);
  let p = 0;
  while (p < buf.length) {
    p++; // tag: field 1, wire type 2 (one byte)
    let len = 0;
    let shift = 0;
    for (;;) {
      const b = buf[p++]!;
      len += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (b < 0x80) break;
    }
    p += len;
    ends.add(p);
  }
  return ends;
}

/** Runs a decode; returns the error it threw (failing on anything but OtlpDecodeError). */
function attempt(signal: Signal, body: Uint8Array): OtlpDecodeError | undefined {
  try {
    decode(signal, 'pb', body);
    return undefined;
  } catch (e) {
    if (!(e instanceof OtlpDecodeError)) throw e;
    return e;
  }
}

describe('truncated protobuf', () => {
  it.each(FIXTURES)('%s: %s cut at every byte throws ProtoDecodeError', (signal, name) => {
    const body = fixture(name);
    const valid = topLevelBoundaries(body);
    let thrown = 0;
    for (let cut = 0; cut < body.length; cut++) {
      const e = attempt(signal, body.subarray(0, cut));
      if (valid.has(cut)) expect(e, `cut at ${cut}`).toBeUndefined();
      else {
        expect(e, `cut at ${cut}`).toBeInstanceOf(ProtoDecodeError);
        expect(e!.message).toMatch(/^invalid protobuf at byte \d+: /);
        thrown++;
      }
    }
    expect(thrown).toBeGreaterThan(body.length - 5);
  });
});

describe('corrupted protobuf', () => {
  it.each(FIXTURES)(
    '%s: %s with random bytes changed decodes or throws OtlpDecodeError',
    (signal, name) => {
      const body = fixture(name);
      let seed = 12345;
      const random = () => {
        seed = (seed * 1103515245 + 12345) >>> 0;
        return seed / 2 ** 32;
      };
      for (let i = 0; i < 1500; i++) {
        const copy = Buffer.from(body);
        const changes = 1 + Math.floor(random() * 4);
        for (let c = 0; c < changes; c++)
          copy[Math.floor(random() * copy.length)] = Math.floor(random() * 256);
        attempt(signal, copy);
      }
    },
  );

  it.each([
    ['a length past the end', [0x0a, 0x05, 0x0a, 0x00], /runs past the end/],
    [
      'a length past the end of its parent',
      [0x0a, 0x02, 0x0a, 0x05, 1, 2, 3, 4, 5],
      /past the end/,
    ],
    ['a varint longer than 10 bytes', [0x08, ...Array(11).fill(0xff), 0x01], /malformed varint/],
    ['a truncated varint', [0x08, 0xff], /truncated varint/],
    ['wire type 6', [0x0e], /unsupported wire type 6/],
    ['wire type 3 (groups)', [0x0b], /unsupported wire type 3/],
    ['a truncated fixed64', [0x09, 1, 2, 3], /truncated/],
    ['a truncated fixed32', [0x0d, 1, 2], /truncated/],
  ])('refuses %s', (_, bytes, message) => {
    for (const signal of ['traces', 'metrics', 'logs'] as const) {
      const e = attempt(signal, Uint8Array.from(bytes));
      expect(e, signal).toBeInstanceOf(ProtoDecodeError);
      expect(e!.message).toMatch(message);
    }
  });
});

describe('nesting bombs', () => {
  /** A span whose one attribute is an array nested `depth` deep. */
  function nested(depth: number): Buffer {
    const leaf = Buffer.from([0x0a, 0x01, 0x78]); // AnyValue { string_value: "x" }
    // Built from the inside out as prefixes: AnyValue.array_value { ArrayValue.values { ... } }.
    const prefixes: Buffer[] = [];
    let size = leaf.length;
    for (let i = 0; i < depth; i++) {
      const values = Buffer.concat([Buffer.from([0x0a]), varint(size)]);
      const arrayLength = values.length + size;
      const array = Buffer.concat([Buffer.from([0x2a]), varint(arrayLength)]);
      prefixes.push(Buffer.concat([array, values]));
      size = array.length + arrayLength;
    }
    const any = Buffer.concat([...prefixes.reverse(), leaf]);
    const kv = Buffer.concat([Buffer.from([0x0a, 0x01, 0x6b, 0x12]), varint(any.length), any]);
    const span = Buffer.concat([
      Buffer.from([0x0a, 16, ...Array(16).fill(1), 0x12, 8, ...Array(8).fill(2)]),
      Buffer.from([0x4a]),
      varint(kv.length),
      kv,
    ]);
    const wrap = (field: number, inner: Buffer) =>
      Buffer.concat([Buffer.from([(field << 3) | 2]), varint(inner.length), inner]);
    return wrap(1, wrap(2, wrap(2, span)));
  }
  function varint(n: number): Buffer {
    const out: number[] = [];
    while (n > 0x7f) {
      out.push((n & 0x7f) | 0x80);
      n = Math.floor(n / 128);
    }
    out.push(n);
    return Buffer.from(out);
  }

  it('decodes 64 levels and refuses deeper ones without overflowing the stack', () => {
    const ok = decode('traces', 'pb', nested(64));
    expect(ok.outcome.accepted).toBe(1);
    for (const depth of [65, 100_000]) {
      const e = attempt('traces', nested(depth));
      expect(e).toBeInstanceOf(ProtoDecodeError);
      expect(e!.message).toMatch(/nested deeper than 64/);
    }
  });
});
