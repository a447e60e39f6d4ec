import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { loadConfig } from '../config.js';
import { type Engine, openEngine } from './engine.js';

let dir: string;
let engine: Engine;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aiobs-pool-'));
  engine = await openEngine(loadConfig({ dataDir: dir }, {}));
});
afterAll(async () => {
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a short query is answered while a long one runs on the embedded engine', async () => {
  const order: string[] = [];
  // About 1.5 s in the engine (sleepEachRow caps one block's sleep at 3 s).
  const long = engine.client
    .query({
      query: 'SELECT sum(sleepEachRow(0.015)) AS s FROM numbers(100)',
      format: 'JSONEachRow',
    })
    .then((r) => r.json())
    .then(() => order.push('long'));
  // Sent after the long one has started: on a single connection it would wait for it.
  await new Promise((r) => setImmediate(r));
  const short = engine.client
    .query({ query: 'SELECT 1 AS one', format: 'JSONEachRow' })
    .then((r) => r.json<{ one: number }>())
    .then((rows) => {
      order.push('short');
      return rows;
    });
  expect(await short).toEqual([{ one: 1 }]);
  await long;
  expect(order).toEqual(['short', 'long']);
});
