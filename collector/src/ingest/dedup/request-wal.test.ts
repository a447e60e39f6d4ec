import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { RequestWal } from './request-wal.js';

const dir = mkdtempSync(join(tmpdir(), 'aiobs-wal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('writes requests down, lists them oldest first, and drops a file cut short', async () => {
  const wal = new RequestWal(dir, true);
  const body = (s: string) => new Uint8Array(Buffer.from(s));
  const a = await wal.write({
    projectId: 'p',
    signal: 'traces',
    encoding: 'json',
    body: body('{"a":1}'),
  });
  const b = await wal.write({
    projectId: 'q',
    signal: 'logs',
    encoding: 'protobuf',
    body: body('\n\x01'),
  });
  // A write the process did not finish: its header promises more bytes than follow.
  writeFileSync(
    join(dir, '0000000000001-cut.req'),
    '{"v":1,"projectId":"p","signal":"traces","encoding":"json","bytes":99}\n{"a"',
  );
  expect(wal.pending).toBe(2);
  const listed = await wal.list();
  expect(listed.map((e) => e.file)).toEqual([a, b]);
  expect(listed[0]!.request).toMatchObject({ projectId: 'p', signal: 'traces', encoding: 'json' });
  expect(Buffer.from(listed[0]!.request.body).toString()).toBe('{"a":1}');
  expect(Buffer.from(listed[1]!.request.body)).toEqual(Buffer.from('\n\x01'));
  expect(readdirSync(dir).sort()).toEqual([a, b].sort());
  await wal.remove(a);
  expect(wal.pending).toBe(1);
  expect(await wal.read(a)).toBeUndefined();
  expect((await wal.list()).map((e) => e.file)).toEqual([b]);
  // One that cannot be ingested again is kept, out of the list.
  expect(await wal.setAside(b)).toBe(`${b}.undecodable`);
  expect(await wal.list()).toEqual([]);
  expect(readdirSync(dir)).toEqual([`${b}.undecodable`]);
});
