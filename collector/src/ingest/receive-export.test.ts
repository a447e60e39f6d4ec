import { pino } from 'pino';
import { describe, expect, test } from 'vitest';
import { loadConfig } from '../config.js';
import { encodeOtlpProtobuf } from '../otlp/testing/otlp-protobuf.js';
import { Ingestor } from './ingestor.js';
import { receiveExport } from './receive-export.js';

const log = pino({ level: 'silent' });

describe('receiveExport: the decode runs in its turn', () => {
  test('a request is decoded through the ingestor turns and answered after its commit', async () => {
    const inserted: number[] = [];
    const engine = {
      insertNative: async (_t: string, _c: readonly string[], block: readonly Buffer[]) => {
        inserted.push(block.length);
      },
    };
    const ingestor = new Ingestor(engine, loadConfig({ batchMaxDelayMs: 0 }, {}), log);
    const body = encodeOtlpProtobuf('ExportTraceServiceRequest', {
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                {
                  traceId: '5b8efff798038103d269b633813fc60c',
                  spanId: 'eee19b7ec3c1b174',
                  name: 'chat',
                  startTimeUnixNano: '1750000000000000000',
                  endTimeUnixNano: '1750000000500000000',
                },
              ],
            },
          ],
        },
      ],
    });
    const outcome = await receiveExport(ingestor, log, {
      signal: 'traces',
      encoding: 'protobuf',
      principal: { kind: 'ingest', projectId: 'p' },
      read: async (reservation) => {
        reservation.ensure(body.length);
        return body;
      },
    });
    expect(outcome.accepted).toBe(1);
    expect(ingestor.turns.ran).toBe(1);
    expect(inserted.length).toBeGreaterThan(0);
    expect(ingestor.stats()).toMatchObject({ reservedBytes: 0, decodeTurns: { waiting: 0 } });
    await ingestor.close();
  });
});
