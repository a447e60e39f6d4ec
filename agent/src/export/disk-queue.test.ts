import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiskQueue } from './disk-queue.js';

let dir: string;
beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), 'aiobs-q-')), 'buffer');
});
afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

const limits = { maxBytes: 1000, maxAgeMs: 60_000 };
const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);

describe('DiskQueue', () => {
  it('keeps entries in order across reopening, in private files', async () => {
    const q = await DiskQueue.open(dir, limits);
    await q.append(bytes(10, 1), 1000);
    await q.append(bytes(20, 2), 2000);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const f of readdirSync(dir)) expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);
    const again = await DiskQueue.open(dir, limits);
    expect(again.length).toBe(2);
    expect(again.bytes).toBe(30);
    expect([...(await again.read(again.peek()!))]).toEqual([...bytes(10, 1)]);
    await again.append(bytes(5, 3), 3000);
    expect(again.head(10, 1 << 20).map((e) => e.createdMs)).toEqual([1000, 2000, 3000]);
  });

  it('ignores and cleans half-written files left by a crash', async () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, '0000000000000001-1000.pb.tmp'), 'partial');
    writeFileSync(join(dir, 'README'), 'not ours');
    const q = await DiskQueue.open(dir, limits);
    expect(q.length).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['README']);
  });

  it('drops the oldest entries past the size limit, and expired ones', async () => {
    const q = await DiskQueue.open(dir, limits);
    await q.append(bytes(400, 1), 1000);
    await q.append(bytes(400, 2), 2000);
    expect(await q.append(bytes(400, 3), 3000)).toEqual({ entries: 1, bytes: 400 });
    expect(q.head(10, 1 << 20).map((e) => e.createdMs)).toEqual([2000, 3000]);
    expect(await q.dropExpired(2000 + 60_001)).toEqual({ entries: 1, bytes: 400 });
    expect(q.length).toBe(1);
  });

  it('limits a replay batch by entries and bytes, but always returns one', async () => {
    const q = await DiskQueue.open(dir, { maxBytes: 10_000, maxAgeMs: 60_000 });
    for (let i = 0; i < 5; i++) await q.append(bytes(300, i), i);
    expect(q.head(3, 1 << 20)).toHaveLength(3);
    expect(q.head(10, 700)).toHaveLength(2);
    expect(q.head(10, 10)).toHaveLength(1);
  });
});
