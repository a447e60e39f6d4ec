import { mkdtempSync, readdirSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { Spool } from './spool.js';

const dir = mkdtempSync(join(tmpdir(), 'aiobs-spool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('a spooled block reads back whole; a file cut mid-write is dropped', async () => {
  const spool = new Spool(dir);
  const bytes = [Buffer.from('native-'), Buffer.from('bytes\n\u0000end')];
  const kept = await spool.write('otel_traces', ['A', 'B'], bytes, 'tok1', ['d1', 'd2']);
  const cut = await spool.write('otel_logs', ['C'], [Buffer.alloc(100, 7)], 'tok2', ['d3']);
  truncateSync(join(dir, cut.file), 120);
  const listed = await spool.list();
  expect(listed).toEqual([kept]);
  expect((await spool.read(kept)).toString()).toBe('native-bytes\n\u0000end');
  expect(readdirSync(dir)).toEqual([kept.file]);
  await spool.remove(kept);
  expect(await spool.list()).toEqual([]);
});
