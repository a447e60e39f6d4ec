import { appendFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, expect, test, vi } from 'vitest';
import { RequestWal, type WalRequest } from './request-wal.js';

const root = mkdtempSync(join(tmpdir(), 'aiobs-wal-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => vi.useRealTimers());

let dirs = 0;
const freshDir = () => join(root, `d${dirs++}`);
const body = (s: string) => new Uint8Array(Buffer.from(s));
const req = (projectId: string, s: string): WalRequest => ({
  projectId,
  signal: 'traces',
  encoding: 'json',
  body: body(s),
});
const bodies = (listed: Array<{ request: WalRequest }>) =>
  listed.map((e) => Buffer.from(e.request.body).toString());

test.each([false, true])(
  'fsync %s: requests share a segment; a restart lists the ones still held, oldest first',
  async (fsync) => {
    const dir = freshDir();
    const wal = new RequestWal(dir, fsync);
    const [a, b, c] = await Promise.all([
      wal.write(req('p', '{"a":1}')),
      wal.write({ projectId: 'q', signal: 'logs', encoding: 'protobuf', body: body('\n\x01') }),
      wal.write(req('p', '{"c":3}')),
    ]);
    // One file for the three: a create per segment, not per request.
    expect(readdirSync(dir)).toEqual([a!.segment]);
    expect(b!.segment).toBe(a!.segment);
    expect(wal.pending).toBe(3);
    expect(wal.written).toBe(3);
    await wal.remove(b!);
    expect(wal.pending).toBe(2);
    expect(await wal.read(c!)).toMatchObject({ projectId: 'p', signal: 'traces' });
    wal.close();

    // The next process: what was not removed is ingested again (removals are not written
    // down: a request whose rows were stored is a no-op by its digest).
    const next = new RequestWal(dir, fsync);
    const listed = await next.list();
    expect(bodies(listed)).toEqual(['{"a":1}', '\n\x01', '{"c":3}']);
    expect(listed[1]!.request).toMatchObject({
      projectId: 'q',
      signal: 'logs',
      encoding: 'protobuf',
    });
    expect(next.pending).toBe(3);
    for (const e of listed) await next.remove(e.entry);
    // A segment found at start takes no more records: once it holds none, it is deleted.
    expect(readdirSync(dir)).toEqual([]);
    expect(await next.list()).toEqual([]);
  },
);

test('a new segment starts when the current one is full or old; one is deleted once sealed and empty', async () => {
  vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
  const dir = freshDir();
  const wal = new RequestWal(dir, false, { ms: 1000, bytes: 200 });
  const a = await wal.write(req('p', 'x'.repeat(100)));
  const b = await wal.write(req('p', 'y'.repeat(100))); // past 200 bytes: a new segment
  expect(b.segment).not.toBe(a.segment);
  vi.advanceTimersByTime(1000);
  const c = await wal.write(req('p', 'z')); // b's segment is a second old: a new one
  expect(c.segment).not.toBe(b.segment);
  expect(readdirSync(dir).sort()).toEqual([a.segment, b.segment, c.segment].sort());
  await wal.remove(a);
  await wal.remove(b);
  expect(readdirSync(dir)).toEqual([c.segment]);
  // The open segment holds nothing now: it is sealed and deleted when its second is up,
  // so stored requests do not wait on disk for a restart while traffic is idle.
  await wal.remove(c);
  expect(readdirSync(dir)).toEqual([c.segment]);
  vi.advanceTimersByTime(1000);
  await vi.waitFor(() => expect(readdirSync(dir)).toEqual([]));
  const d = await wal.write(req('p', 'w'));
  expect(d.segment).not.toBe(c.segment);
  wal.close();
});

test('a record cut short ends its segment; an earlier version`s .req file is a segment of one', async () => {
  const dir = freshDir();
  const wal = new RequestWal(dir);
  const a = await wal.write(req('p', '{"a":1}'));
  wal.close();
  // A write the process did not finish: its header promises more bytes than follow.
  appendFileSync(
    join(dir, a.segment),
    '{"v":1,"projectId":"p","signal":"traces","encoding":"json","bytes":99}\n{"a"',
  );
  writeFileSync(
    join(dir, '0000000000001-000000.req'),
    '{"v":1,"projectId":"old","signal":"logs","encoding":"json","bytes":7}\n{"o":1}',
  );
  writeFileSync(join(dir, '0000000000002-cut.req'), '{"v":1,"projectId":"p","sig');
  const next = new RequestWal(dir);
  const listed = await next.list();
  expect(bodies(listed)).toEqual(['{"o":1}', '{"a":1}']);
  expect(listed[0]!.request).toMatchObject({ projectId: 'old', signal: 'logs' });
  // The file without a whole record is gone; the others stay until their requests are stored.
  expect(readdirSync(dir).sort()).toEqual(['0000000000001-000000.req', a.segment].sort());
  next.close();
});

test('a request that cannot be ingested again is set aside in a file of its own', async () => {
  const dir = freshDir();
  const wal = new RequestWal(dir);
  const a = await wal.write(req('p', '{"a":1}'));
  const b = await wal.write(req('p', 'not json'));
  wal.close();
  const next = new RequestWal(dir);
  const [ea, eb] = (await next.list()).map((e) => e.entry);
  const kept = await next.setAside(eb!);
  expect(kept).toBe(`${b.segment}-${b.offset}.undecodable`);
  await next.remove(ea!);
  expect(readdirSync(dir)).toEqual([kept]);
  expect(await next.list()).toEqual([]);
  expect(a.segment).toBe(b.segment);
});

test('a segment emptied and then sealed by the next write is deleted; the idle timer follows the open segment', async () => {
  vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
  const dir = freshDir();
  const wal = new RequestWal(dir, false, { ms: 1000 });
  const a = await wal.write(req('p', 'a'));
  await wal.remove(a); // a's segment is open and empty: sealed when its second is up
  // The next write comes as that second ends, before the timer: it seals the segment.
  vi.setSystemTime(Date.now() + 1000);
  const b = await wal.write(req('p', 'b'));
  await vi.waitFor(() => expect(readdirSync(dir)).toEqual([b.segment]));
  // b's segment, emptied in turn, is sealed and deleted when its own second is up.
  await wal.remove(b);
  expect(readdirSync(dir)).toEqual([b.segment]);
  vi.advanceTimersByTime(1000);
  await vi.waitFor(() => expect(readdirSync(dir)).toEqual([]));
  wal.close();
});

test('renew writes a retried request into the open segment, so its old one goes with the stored ones beside it', async () => {
  vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
  const dir = freshDir();
  const wal = new RequestWal(dir, false, { ms: 1000 });
  const a = await wal.write(req('p', '{"retried":1}'));
  const b = await wal.write(req('p', '{"stored":1}'));
  await wal.remove(b);
  vi.setSystemTime(Date.now() + 1000);
  const renewed = await wal.renew(a);
  expect(renewed!.entry.segment).not.toBe(a.segment);
  expect(Buffer.from(renewed!.request.body).toString()).toBe('{"retried":1}');
  expect(readdirSync(dir)).toEqual([renewed!.entry.segment]);
  expect(wal.pending).toBe(1);
  wal.close();
  // A start ingests the retried request alone, not the stored one that shared its segment.
  expect(bodies(await new RequestWal(dir).list())).toEqual(['{"retried":1}']);
});
