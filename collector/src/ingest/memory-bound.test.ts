import { describe, expect, test } from 'vitest';
import { ConfigError } from '../config.js';
import { MemoryBoundError } from '../otlp/errors.js';
import {
  CGROUP_SHARE,
  MemoryGuard,
  memoryBound,
  minMaxRssBytes,
  NODE_RESERVE_BYTES,
  readCgroupMemoryLimit,
} from './memory-bound.js';

const MiB = 1024 * 1024;

describe('memoryBound: how --max-rss-bytes is split', () => {
  test('the write path gets twice its budget of room, Node its reserve, the engine the rest', () => {
    const b = memoryBound(2048 * MiB, 64 * MiB, undefined);
    expect(b).toEqual({
      bytes: 2048 * MiB,
      source: 'setting',
      admitBelow: 2048 * MiB - 128 * MiB,
      engineBytes: 2048 * MiB - NODE_RESERVE_BYTES - 128 * MiB,
    });
  });

  test('the setting wins over a container limit', () => {
    expect(memoryBound(1500 * MiB, 64 * MiB, 8192 * MiB)?.bytes).toBe(1500 * MiB);
  });

  test("unset, it is 80% of the container's limit, or none outside a container", () => {
    const b = memoryBound(undefined, 64 * MiB, 4096 * MiB);
    expect(b?.source).toBe('cgroup');
    expect(b?.bytes).toBe(Math.floor(4096 * MiB * CGROUP_SHARE));
    expect(memoryBound(undefined, 64 * MiB, undefined)).toBeUndefined();
  });

  test('a container too small for the split gets no bound rather than a failed start', () => {
    const tooSmall = Math.floor((minMaxRssBytes(64 * MiB) - 1) / CGROUP_SHARE);
    expect(memoryBound(undefined, 64 * MiB, tooSmall)).toBeUndefined();
    expect(memoryBound(undefined, 64 * MiB, tooSmall + 2)).toBeDefined();
  });

  test('a setting below the least bound is a configuration error naming the flag', () => {
    expect(() => memoryBound(1152 * MiB - 1, 64 * MiB, undefined)).toThrow(
      /--max-rss-bytes \(AIOBS_MAX_RSS_BYTES\): must be at least 1207959552 \(384 MiB for the embedded engine, 640 MiB for the collector, and twice --max-pending-bytes\)/,
    );
    expect(() => memoryBound(1152 * MiB - 1, 64 * MiB, undefined)).toThrow(ConfigError);
    // A smaller write path budget lowers the least bound with it.
    expect(memoryBound(1026 * MiB, MiB, undefined)?.bytes).toBe(1026 * MiB);
  });

  test('the least bound leaves the engine its minimum', () => {
    const b = memoryBound(minMaxRssBytes(64 * MiB), 64 * MiB, undefined);
    expect(b?.engineBytes).toBe(384 * MiB);
  });
});

describe('readCgroupMemoryLimit', () => {
  const files = (map: Record<string, string>) => (path: string) => {
    const text = map[path];
    if (text === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    return text;
  };

  test('cgroup v2 memory.max', () => {
    expect(readCgroupMemoryLimit(files({ '/sys/fs/cgroup/memory.max': '2147483648\n' }))).toBe(
      2147483648,
    );
  });

  test('"max" (v2) and the page-rounded 2^63 (v1) are no limit', () => {
    expect(readCgroupMemoryLimit(files({ '/sys/fs/cgroup/memory.max': 'max\n' }))).toBeUndefined();
    expect(
      readCgroupMemoryLimit(
        files({ '/sys/fs/cgroup/memory/memory.limit_in_bytes': '9223372036854771712\n' }),
      ),
    ).toBeUndefined();
  });

  test("v2: the process's own cgroup first (no cgroup namespace), then the mount's root", () => {
    const own = {
      '/proc/self/cgroup': '0::/system.slice/aiobs.service\n',
      '/sys/fs/cgroup/system.slice/aiobs.service/memory.max': '3221225472\n',
      '/sys/fs/cgroup/memory.max': '8589934592\n',
    };
    expect(readCgroupMemoryLimit(files(own))).toBe(3221225472);
    const namespaced = {
      '/proc/self/cgroup': '0::/\n',
      '/sys/fs/cgroup/memory.max': '2147483648\n',
    };
    expect(readCgroupMemoryLimit(files(namespaced))).toBe(2147483648);
  });

  test('cgroup v1 when v2 is absent; nothing readable is no limit', () => {
    expect(
      readCgroupMemoryLimit(files({ '/sys/fs/cgroup/memory/memory.limit_in_bytes': '1073741824' })),
    ).toBe(1073741824);
    expect(readCgroupMemoryLimit(files({}))).toBeUndefined();
  });
});

describe('MemoryGuard', () => {
  const bound = memoryBound(2048 * MiB, 64 * MiB, undefined)!;

  test('room: what RSS leaves the write path up to the bound less its room, beside what it holds', () => {
    let rss = bound.admitBelow - 1000;
    let t = 0;
    const g = new MemoryGuard(
      bound,
      () => rss,
      () => (t += 100),
    );
    expect(g.room(0)).toBe(1000);
    // 400 of the RSS is the write path's own: it may hold 1,400 in all.
    expect(g.room(400)).toBe(1400);
    rss = bound.admitBelow;
    expect(g.room(0)).toBe(0);
    rss = bound.admitBelow + 10;
    expect(g.room(0)).toBe(-10);
    const err = g.refuse();
    expect(err).toBeInstanceOf(MemoryBoundError);
    expect(err.message).toContain(`of ${bound.bytes / MiB} MiB, --max-rss-bytes`);
    expect(g.refused).toBe(1);
  });

  test('reads RSS at most every 20 ms', () => {
    let reads = 0;
    let t = 0;
    const g = new MemoryGuard(
      bound,
      () => ++reads,
      () => t,
    );
    g.room(0);
    t = 19;
    g.room(0);
    expect(reads).toBe(1);
    t = 20;
    g.room(0);
    expect(reads).toBe(2);
  });
});
