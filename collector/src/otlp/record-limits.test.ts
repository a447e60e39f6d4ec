/**
 * The per-request bounds applied while decoding: attributes past the per-map count limit
 * are dropped and counted (the records are kept), and a request whose rows pass the
 * decoded-size limit stops within one record of it. Both encodings behave alike.
 */
import { describe, expect, it } from 'vitest';
import { TracesBlock } from '../storage/tables/traces-block.js';
import { DecodedTooLargeError, SaturatedError } from './errors.js';
import { encodeExportResponse } from './http.js';
import { decodeTracesJson } from './json/decode-traces.js';
import { DecodeOutcome } from './outcome.js';
import { decodeTracesProto } from './protobuf/decode-traces.js';
import {
  blockBytes,
  context,
  type Decoded,
  decode,
  decodeBoth,
  mapOf,
  rows,
  type Signal,
} from './testing/decode.js';
import { encodeOtlpProtobuf } from './testing/otlp-protobuf.js';

const TRACE = '5b8efff798038103d269b633813fc60c';
const SPAN = 'eee19b7ec3c1b174';
const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
const attrs = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => str(`${prefix}${i}`, `v${i}`));

function span(over: Record<string, unknown> = {}) {
  return {
    traceId: TRACE,
    spanId: SPAN,
    name: 'op',
    startTimeUnixNano: '1750000000000000000',
    endTimeUnixNano: '1750000000500000000',
    ...over,
  };
}

/** Decodes both ways with `maxAttributes` 3 and checks that both encodings agree. */
function both(signal: Signal, request: unknown): Decoded {
  const { pb, json } = decodeBoth(signal, request, context(64, 'p', { maxAttributes: 3 }));
  expect(json.outcome).toEqual(pb.outcome);
  for (const [name, block] of Object.entries(pb.blocks))
    expect(blockBytes(json.blocks[name]!).equals(blockBytes(block)), name).toBe(true);
  return pb;
}

describe('attributes past --max-attributes-per-record are dropped, records kept', () => {
  it('keeps the first N of a span, its resource, scope, events and links; counts the rest', () => {
    const d = both('traces', {
      resourceSpans: [
        {
          resource: { attributes: [str('service.name', 'svc'), ...attrs('r', 4)] },
          scopeSpans: [
            {
              scope: { name: 's' },
              spans: [
                span({
                  attributes: attrs('a', 5),
                  events: [{ timeUnixNano: '1', name: 'e', attributes: attrs('e', 4) }],
                  links: [{ traceId: TRACE, spanId: SPAN, attributes: attrs('l', 3) }],
                }),
                span({ attributes: attrs('b', 3) }),
              ],
            },
          ],
        },
      ],
    });
    const [first, second] = rows(d.blocks.traces!);
    expect(mapOf(first!.SpanAttributes)).toEqual({ a0: 'v0', a1: 'v1', a2: 'v2' });
    // The count is per record: the second span keeps all of its three.
    expect(mapOf(second!.SpanAttributes)).toEqual({ b0: 'v0', b1: 'v1', b2: 'v2' });
    expect(mapOf(first!.ResourceAttributes)).toEqual({ 'service.name': 'svc', r0: 'v0', r1: 'v1' });
    expect(first!.ServiceName).toBe('svc');
    expect((first!['Events.Attributes'] as [string, string][][]).map((m) => m.length)).toEqual([3]);
    expect((first!['Links.Attributes'] as [string, string][][]).map((m) => m.length)).toEqual([3]);
    // 2 of the resource's (once per request, not per row), 2 of the span's, 1 of the event's.
    expect(d.outcome).toMatchObject({ accepted: 2, rejected: 0, droppedAttributes: 5 });
    expect(d.outcome.message).toBe(
      '5 attribute(s) dropped: at most 3 are kept per record, resource, scope, event and link ' +
        '(--max-attributes-per-record)',
    );
  });

  it('applies to log records and their scope, after a rejection message', () => {
    const d = both('logs', {
      resourceLogs: [
        {
          resource: { attributes: [str('service.name', 'svc')] },
          scopeLogs: [
            {
              scope: { name: 's', attributes: attrs('s', 4) },
              logRecords: [
                { timeUnixNano: '5', severityNumber: 25 },
                { timeUnixNano: '6', attributes: attrs('a', 6) },
              ],
            },
          ],
        },
      ],
    });
    const [row] = rows(d.blocks.logs!);
    expect(Object.keys(mapOf(row!.LogAttributes))).toEqual(['a0', 'a1', 'a2']);
    expect(Object.keys(mapOf(row!.ScopeAttributes))).toEqual(['s0', 's1', 's2']);
    expect(d.outcome).toMatchObject({ accepted: 1, rejected: 1, droppedAttributes: 4 });
    expect(d.outcome.message).toMatch(
      /^log record 0: severity number 25 .*; 4 attribute\(s\) dropped/,
    );
  });

  it('applies to metric data points', () => {
    const d = both('metrics', {
      resourceMetrics: [
        {
          resource: { attributes: [str('service.name', 'svc')] },
          scopeMetrics: [
            {
              scope: { name: 's' },
              metrics: [
                {
                  name: 'm',
                  gauge: {
                    dataPoints: [{ timeUnixNano: '5', asDouble: 1, attributes: attrs('a', 7) }],
                  },
                },
              ],
            },
          ],
        },
      ],
    });
    const [row] = rows(d.blocks.gauge!);
    expect(Object.keys(mapOf(row!.Attributes))).toEqual(['a0', 'a1', 'a2']);
    expect(d.outcome).toMatchObject({ accepted: 1, rejected: 0, droppedAttributes: 4 });
  });

  it('answers with partial_success: rejected 0 and a warning (OTLP: accepted with warnings)', () => {
    const d = both('traces', {
      resourceSpans: [{ scopeSpans: [{ spans: [span({ attributes: attrs('a', 4) })] }] }],
    });
    const json = JSON.parse(encodeExportResponse('traces', 'json', d.outcome) as string);
    expect(json).toEqual({
      partialSuccess: { rejectedSpans: '0', errorMessage: d.outcome.message },
    });
    const pb = Buffer.from(encodeExportResponse('traces', 'protobuf', d.outcome));
    const msg = Buffer.from(d.outcome.message);
    // partial_success (field 1) holding only error_message (field 2): proto3 omits the 0.
    expect(
      pb.equals(Buffer.concat([Buffer.from([0x0a, msg.length + 2, 0x12, msg.length]), msg])),
    ).toBe(true);
    const clean = both('traces', {
      resourceSpans: [{ scopeSpans: [{ spans: [span({ attributes: attrs('a', 3) })] }] }],
    });
    expect(encodeExportResponse('traces', 'json', clean.outcome)).toBe('{}');
    expect(encodeExportResponse('traces', 'protobuf', clean.outcome)).toHaveLength(0);
  });
});

/** Resource attributes are copied into every row: ~`big` bytes per span, from a small body. */
function amplifying(spans: number, big = 4000) {
  return {
    resourceSpans: [
      {
        resource: { attributes: [str('service.name', 'svc'), str('big', 'x'.repeat(big))] },
        scopeSpans: [{ spans: Array.from({ length: spans }, () => span()) }],
      },
    ],
  };
}

function bodies(request: unknown): [string, Uint8Array][] {
  return [
    ['pb', encodeOtlpProtobuf('ExportTraceServiceRequest', request)],
    ['json', Buffer.from(JSON.stringify(request))],
  ];
}

/** Runs a decode that must throw; returns what it threw. */
function decodeRefused(
  body: Uint8Array,
  encoding: 'pb' | 'json',
  limits: object,
  signal: Signal = 'traces',
) {
  const ctx = context(64 * 1024, 'p', limits);
  let caught: unknown;
  try {
    decode(signal, encoding, body, ctx);
  } catch (e) {
    caught = e;
  }
  return caught;
}

describe('the rows of one request are bounded while they are decoded', () => {
  const oneRow = decode('traces', 'pb', bodies(amplifying(1))[0]![1]).blocks.traces!.size();

  it.each(bodies(amplifying(1000)))(
    '%s: stops within one record of the limit with 413',
    (enc, body) => {
      const limit = 200_000;
      expect(body.length).toBeLessThan(limit); // a small body ...
      const full = decode('traces', enc as 'pb', body).blocks.traces!.size();
      expect(full).toBeGreaterThan(10 * limit); // ... that asks for far more rows
      // The decoder throws from inside: look at the block it was writing (the ingestor rolls
      // it back).
      const ctx = context(64 * 1024, 'p', { maxDecodedBytes: limit });
      let written = -1;
      let caught: unknown;
      const block = new TracesBlock();
      try {
        (enc === 'pb' ? decodeTracesProto : decodeTracesJson)(
          body,
          block,
          ctx,
          new DecodeOutcome(),
        );
      } catch (e) {
        caught = e;
        written = block.size();
      }
      expect(caught).toBeInstanceOf(DecodedTooLargeError);
      expect((caught as DecodedTooLargeError).status).toBe(413);
      expect((caught as Error).message).toMatch(/decoded-size limit of 200000 bytes/);
      expect((caught as Error).message).toMatch(/--max-decoded-bytes/);
      expect(written).toBeGreaterThan(limit);
      expect(written).toBeLessThanOrEqual(limit + oneRow);
    },
  );

  it('a request within the limit decodes in full', () => {
    expect(oneRow).toBeGreaterThan(4000);
    for (const [enc, body] of bodies(amplifying(5))) {
      const d = decode(
        'traces',
        enc as 'pb',
        body,
        context(64 * 1024, 'p', { maxDecodedBytes: 6 * oneRow }),
      );
      expect(d.outcome.accepted).toBe(5);
    }
  });

  it('past the headroom the memory budget has left, it is 503 instead (retry later)', () => {
    for (const [enc, body] of bodies(amplifying(100))) {
      const err = decodeRefused(body, enc as 'pb', { maxDecodedBytes: 1e9, headroom: 20 * oneRow });
      expect(err).toBeInstanceOf(SaturatedError);
      expect((err as SaturatedError).status).toBe(503);
    }
    // When both are passed, the limit that can never be met wins: 413.
    const [, body] = bodies(amplifying(100))[0]!;
    expect(
      decodeRefused(body, 'pb', { maxDecodedBytes: 10 * oneRow, headroom: 5 * oneRow }),
    ).toBeInstanceOf(SaturatedError);
    expect(
      decodeRefused(body, 'pb', { maxDecodedBytes: 5 * oneRow, headroom: 10 * oneRow }),
    ).toBeInstanceOf(DecodedTooLargeError);
  });

  it('rejected records do not count against the limit', () => {
    // Each of these writes its first attribute, then meets one over the size limit and is
    // rolled back: 50 x 3 KB written and taken back.
    const bad = Array.from({ length: 50 }, () =>
      span({ attributes: [str('a', 'y'.repeat(3000)), str('b', 'z'.repeat(5000))] }),
    );
    const request = amplifying(3);
    request.resourceSpans[0]!.scopeSpans[0]!.spans.unshift(...(bad as never[]));
    for (const [enc, body] of bodies(request)) {
      const d = decode(
        'traces',
        enc as 'pb',
        body,
        context(4096, 'p', { maxDecodedBytes: 4 * oneRow }),
      );
      expect(d.outcome).toMatchObject({ accepted: 3, rejected: 50 });
    }
  });

  it('applies to logs (scope attributes copied per row) and to metrics', () => {
    const big = [str('big', 'x'.repeat(4000))];
    const logs = {
      resourceLogs: [
        {
          scopeLogs: [
            {
              scope: { name: 's', attributes: big },
              logRecords: Array.from({ length: 500 }, (_, i) => ({ timeUnixNano: String(i + 1) })),
            },
          ],
        },
      ],
    };
    const metrics = {
      resourceMetrics: [
        {
          resource: { attributes: big },
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'm',
                  gauge: {
                    dataPoints: Array.from({ length: 500 }, (_, i) => ({
                      timeUnixNano: String(i + 1),
                      asInt: '1',
                    })),
                  },
                },
              ],
            },
          ],
        },
      ],
    };
    for (const [signal, request, type] of [
      ['logs', logs, 'ExportLogsServiceRequest'],
      ['metrics', metrics, 'ExportMetricsServiceRequest'],
    ] as const) {
      const pb = encodeOtlpProtobuf(type, request);
      const json = Buffer.from(JSON.stringify(request));
      for (const [enc, body] of [
        ['pb', pb],
        ['json', json],
      ] as const) {
        expect(decode(signal, enc, body).outcome.accepted, `${signal} ${enc}`).toBe(500);
        const err = decodeRefused(body, enc, { maxDecodedBytes: 100_000 }, signal);
        expect(err, `${signal} ${enc}`).toBeInstanceOf(DecodedTooLargeError);
      }
    }
  });
});
