import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import type { Metric } from '../metrics/model.js';
import { createHostCollector, DEFAULT_NET_EXCLUDE } from './host-collector.js';

const fx = (name: string) => join(import.meta.dirname, '__fixtures__', name);
const logs: string[] = [];
const logger = createLogger('debug', (l) => logs.push(l));
let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'aiobs-host-'));
  // A host root other than "/" is read the way a container sees the host: the mount table
  // and network namespace of the host's init process (pid 1).
  mkdirSync(join(root, 'proc', '1', 'net'), { recursive: true });
  for (const d of ['nvme0n1', 'nvme1n1', 'nvme2n1', 'md0', 'loop0']) {
    mkdirSync(join(root, 'sys', 'block', d), { recursive: true });
  }
  for (const pid of ['42', '4242']) mkdirSync(join(root, 'proc', pid));
  copyFileSync(fx('proc-stat-t0.txt'), join(root, 'proc', 'stat'));
  copyFileSync(fx('diskstats-gpu-host.txt'), join(root, 'proc', 'diskstats'));
  copyFileSync(fx('net-dev-gpu-host.txt'), join(root, 'proc', '1', 'net', 'dev'));
  copyFileSync(fx('meminfo-recorded.txt'), join(root, 'proc', 'meminfo'));
  writeFileSync(join(root, 'proc', 'uptime'), '350735.47 234388.90\n');
  writeFileSync(
    join(root, 'proc', '1', 'mounts'),
    '/dev/nvme0n1p2 / ext4 rw,relatime 0 0\nproc /proc proc rw 0 0\n/dev/md0 /nonexistent xfs ro 0 0\n',
  );
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const find = (ms: Metric[], name: string) => ms.find((m) => m.name === name);

describe('createHostCollector', () => {
  it('reports CPU utilization over the interval since prime(), per mode and per core', async () => {
    const host = createHostCollector({ hostRoot: root, netExclude: DEFAULT_NET_EXCLUDE, logger });
    await host.prime();
    copyFileSync(fx('proc-stat-t1.txt'), join(root, 'proc', 'stat'));
    const ms = await host.collect();
    const cpu = find(ms, 'system.cpu.utilization')!;
    expect(cpu.kind).toBe('gauge');
    expect(cpu.unit).toBe('1');
    const v = (attrs: Record<string, unknown>) =>
      cpu.points.find((p) => JSON.stringify(p.attributes) === JSON.stringify(attrs))?.value;
    expect(v({})).toBeCloseTo(400 / 900, 12);
    expect(v({ 'cpu.mode': 'user' })).toBeCloseTo(300 / 900, 12);
    expect(v({ 'cpu.logical_number': 0 })).toBeCloseTo(0.75, 12);
    expect(v({ 'cpu.logical_number': 1 })).toBeCloseTo(0.2, 12);
    expect(find(ms, 'system.cpu.logical.count')!.points[0]!.value).toBe(2);
    expect(find(ms, 'system.process.count')!.points[0]!.value).toBe(3);
    const created = find(ms, 'system.process.created')!;
    expect(created).toMatchObject({ kind: 'sum', monotonic: true, startTimeMs: 1_760_000_000_000 });
    expect(created.points[0]!.value).toBe(424_300);
    expect(find(ms, 'system.uptime')!.points[0]!.value).toBe(350735.47);
  });

  it('reports disk I/O for whole disks only and network I/O without container interfaces', async () => {
    const host = createHostCollector({ hostRoot: root, netExclude: DEFAULT_NET_EXCLUDE, logger });
    const ms = await host.collect();
    const io = find(ms, 'system.disk.io')!;
    expect(io).toMatchObject({ kind: 'sum', monotonic: true, unit: 'By' });
    expect([...new Set(io.points.map((p) => p.attributes['system.device']))]).toEqual([
      'nvme0n1',
      'nvme1n1',
      'nvme2n1',
      'md0',
    ]);
    expect(
      io.points.find(
        (p) =>
          p.attributes['system.device'] === 'nvme0n1' &&
          p.attributes['disk.io.direction'] === 'write',
      )!.value,
    ).toBe(735_110_688 * 512);
    const net = find(ms, 'system.network.io')!;
    expect([...new Set(net.points.map((p) => p.attributes['network.interface.name']))]).toEqual([
      'eno1',
      'ibp12s0',
    ]);
    const errs = find(ms, 'system.network.errors')!;
    expect(
      errs.points.find(
        (p) =>
          p.attributes['network.interface.name'] === 'ibp12s0' &&
          p.attributes['network.io.direction'] === 'receive',
      )!.value,
    ).toBe(3);
    // No CPU utilization without a previous reading.
    expect(find(ms, 'system.cpu.utilization')).toBeUndefined();
  });

  it('reports filesystem usage whose states add up to the limit, skipping unreadable mounts', async () => {
    const host = createHostCollector({ hostRoot: root, netExclude: DEFAULT_NET_EXCLUDE, logger });
    const ms = await host.collect();
    const usage = find(ms, 'system.filesystem.usage')!;
    expect(new Set(usage.points.map((p) => p.attributes['system.filesystem.mountpoint']))).toEqual(
      new Set(['/']),
    );
    const total = usage.points.reduce((a, p) => a + p.value, 0);
    expect(total).toBe(find(ms, 'system.filesystem.limit')!.points[0]!.value);
    expect(usage.points[0]!.attributes).toMatchObject({
      'system.device': '/dev/nvme0n1p2',
      'system.filesystem.type': 'ext4',
      'system.filesystem.mode': 'rw',
    });
    const util = find(ms, 'system.filesystem.utilization')!.points[0]!.value;
    expect(util).toBeGreaterThanOrEqual(0);
    expect(util).toBeLessThanOrEqual(1);
  });

  it("reports memory states and swap from the host root's /proc/meminfo", async () => {
    const host = createHostCollector({ hostRoot: root, netExclude: DEFAULT_NET_EXCLUDE, logger });
    const ms = await host.collect();
    const usage = find(ms, 'system.memory.usage')!;
    expect(usage).toMatchObject({ kind: 'sum', monotonic: false, unit: 'By' });
    expect(usage.points.map((p) => p.attributes['system.memory.state'])).toEqual([
      'used',
      'free',
      'cached',
      'buffers',
    ]);
    const limit = find(ms, 'system.memory.limit')!.points[0]!.value;
    const available = find(ms, 'system.memory.linux.available')!.points[0]!.value;
    expect(limit).toBe(24_683_548 * 1024);
    expect(available).toBe(22_022_448 * 1024);
    expect(usage.points[0]!.value).toBe(limit - available);
    expect(usage.points.map((p) => p.value).slice(1)).toEqual([
      19_299_440 * 1024,
      2_570_816 * 1024,
      171_812 * 1024,
    ]);
    expect(find(ms, 'system.paging.usage')!.points).toHaveLength(2);
  });

  it('leaves out a reader that fails and says so once', async () => {
    rmSync(join(root, 'proc', 'diskstats'));
    const host = createHostCollector({ hostRoot: root, netExclude: DEFAULT_NET_EXCLUDE, logger });
    const ms = await host.collect();
    await host.collect();
    expect(find(ms, 'system.disk.io')).toBeUndefined();
    expect(find(ms, 'system.network.io')).toBeDefined();
    expect(logs.filter((l) => l.includes('host reader disk failed'))).toHaveLength(1);
  });
});
