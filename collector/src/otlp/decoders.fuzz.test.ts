/**
 * Fuzzing the OTLP decoders through the write path (`Ingestor.ingest`, as both receivers
 * call it): valid requests of every signal in both encodings, then the same requests
 * damaged on the wire. For every input:
 * - it either decodes, or throws OtlpDecodeError (a 400); nothing else escapes (a
 *   TypeError or RangeError would be a 500, a hang times the test out);
 * - a refused input leaves every batch exactly as it was (nothing of it is written);
 * - a decoded input's rows all reach the engine, one per accepted record, and the engine
 *   receives well-formed Native blocks; what was not stored is counted as rejected
 *   (`partial_success`), so accepted + rejected = the records sent for a valid request.
 * `FUZZ_RUNS` sets the inputs per target (300 here; `npm run fuzz` runs 8,334 per target, 100,008 inputs over the 12 targets).
 */
import fc from 'fast-check';
import { pino } from 'pino';
import { describe, expect, test } from 'vitest';
import type { Principal } from '../auth/authenticator.js';
import { loadConfig } from '../config.js';
import { Ingestor } from '../ingest/ingestor.js';
import { nativeRows, readNativeBlock } from '../storage/native/read-block.js';
import { DecodedTooLargeError, OtlpDecodeError } from './errors.js';
import type { OtlpEncoding } from './http.js';
import { DecodeOutcome } from './outcome.js';
import { REQUEST_TYPE, type Signal } from './testing/decode.js';
import {
  fuzzParams,
  jsonMutation,
  protobufMutation,
  type ValidRequest,
  validRequest,
} from './testing/fuzz-arbitraries.js';
import { encodeOtlpProtobuf } from './testing/otlp-protobuf.js';

const log = pino({ level: 'silent' });
const principal: Principal = { kind: 'ingest', projectId: 'fuzz' };
/** Rows the trace decoders add beside the spans (typed drift inputs), not records. */
const DERIVED_TABLES = new Set(['aiobs_feature_values']);

/** The engine's insert: reads every block back (it must be well-formed) and counts its rows. */
function countingEngine() {
  const engine = {
    rows: 0,
    insertNative: async (table: string, _c: readonly string[], block: readonly Buffer[]) => {
      const n = nativeRows(readNativeBlock(Buffer.concat(block))).length;
      if (!DERIVED_TABLES.has(table)) engine.rows += n;
    },
  };
  return engine;
}

/** One ingestor per target; flushes at once, small enough limits that bombs hit them. */
function target() {
  const engine = countingEngine();
  const config = loadConfig(
    { batchMaxDelayMs: 0, maxBodyBytes: 1024 * 1024, maxDecodedBytes: 8 * 1024 * 1024 },
    {},
  );
  return { engine, ingestor: new Ingestor(engine, config, log) };
}

const BLOCKS = [
  'traces',
  'logs',
  'gauge',
  'sum',
  'histogram',
  'expHistogram',
  'summary',
  'features',
] as const;

function pendingRows(ingestor: Ingestor): number[] {
  return BLOCKS.map((b) => ingestor[b].block().rows);
}

interface Result {
  outcome?: DecodeOutcome;
  stored: number;
}

/**
 * Ingests one body and checks the invariants; resolves with what was accepted and stored
 * (undefined outcome: refused with 400/413).
 */
async function ingestOne(
  t: ReturnType<typeof target>,
  signal: Signal,
  encoding: OtlpEncoding,
  body: Uint8Array,
): Promise<Result> {
  const before = t.engine.rows;
  const pending = pendingRows(t.ingestor);
  const outcome = new DecodeOutcome();
  let committed: Promise<unknown>;
  try {
    committed = t.ingestor.ingest(signal, encoding, body, principal, outcome);
  } catch (err) {
    if (!(err instanceof OtlpDecodeError || err instanceof DecodedTooLargeError)) throw err;
    expect(pendingRows(t.ingestor)).toEqual(pending);
    return { stored: 0 };
  }
  await committed;
  const stored = t.engine.rows - before;
  expect(stored).toBe(outcome.accepted);
  return { outcome, stored };
}

const SIGNALS: Signal[] = ['traces', 'metrics', 'logs'];

describe.each(SIGNALS)('fuzz %s', (signal) => {
  const encode = ({ request }: ValidRequest) => ({
    protobuf: encodeOtlpProtobuf(REQUEST_TYPE[signal], request),
    json: JSON.stringify(request),
  });

  test('valid requests: every record is stored or rejected, in both encodings', async () => {
    const t = target();
    await fc.assert(
      fc.asyncProperty(validRequest(signal), async (valid) => {
        const { protobuf, json } = encode(valid);
        for (const [encoding, body] of [
          ['protobuf', protobuf],
          ['json', Buffer.from(json)],
        ] as const) {
          const { outcome } = await ingestOne(t, signal, encoding, body);
          expect(outcome, `${encoding} refused a valid request`).toBeDefined();
          expect(outcome!.accepted + outcome!.rejected).toBe(valid.records);
        }
      }),
      fuzzParams(),
    );
    await t.ingestor.close();
  });

  test('damaged protobuf: a 400 with nothing written, or stored/rejected record by record', async () => {
    const t = target();
    const damaged = validRequest(signal).chain((valid) =>
      protobufMutation(encodeOtlpProtobuf(REQUEST_TYPE[signal], valid.request)),
    );
    await fc.assert(
      fc.asyncProperty(damaged, async (body) => {
        await ingestOne(t, signal, 'protobuf', body);
      }),
      fuzzParams(),
    );
    await t.ingestor.close();
  });

  test('damaged JSON: a 400 with nothing written, or stored/rejected record by record', async () => {
    const t = target();
    const damaged = validRequest(signal).chain((valid) =>
      jsonMutation(JSON.stringify(valid.request)),
    );
    await fc.assert(
      fc.asyncProperty(damaged, async (body) => {
        await ingestOne(t, signal, 'json', body);
      }),
      fuzzParams(),
    );
    await t.ingestor.close();
  });
});
