import { readFileSync } from 'node:fs';
import { ConfigError } from '../config.js';
import { MemoryBoundError } from '../otlp/errors.js';

const MiB = 1024 * 1024;

/**
 * What the collector process holds beside the engine's tracked memory and the write path:
 * the engine's and Node's code and static data (about 280 MiB mapped), V8's heap (about 70
 * MiB), the batches' column buffers kept between inserts (up to about 250 MiB) and the
 * allocators' slack. RSS less the engine's tracker was 550-680 MiB under 2x overload, and
 * with 512 MiB here a 30-minute soak peaked 42 MiB over its bound (docs/benchmarks.md,
 * "Overload and soak", session 26).
 */
export const NODE_RESERVE_BYTES = 640 * MiB;

/** The least engine memory limit the bound may leave: migrations and merges need room. */
export const MIN_ENGINE_BYTES = 384 * MiB;

/** Share of a container's memory limit taken as the bound when none is set. */
export const CGROUP_SHARE = 0.8;

/**
 * The collector's memory bound and how it is split. The process's RSS is the embedded
 * engine's memory plus Node's; the engine is held to its part by its own limit
 * (`max_server_memory_usage`: an allocation past it fails the insert or query, which the
 * collector answers with 503), and Node's part grows with the requests it admits, so new
 * OTLP requests are refused while RSS is within the write path's room of the bound.
 */
export interface MemoryBound {
  /** The bound on the collector process's RSS, in bytes. */
  readonly bytes: number;
  /** `--max-rss-bytes` as set, or derived from the container's memory limit. */
  readonly source: 'setting' | 'cgroup';
  /** RSS at or above which new OTLP requests get 503 + Retry-After: the bound less the write path's room. */
  readonly admitBelow: number;
  /** The embedded engine's own limit; the server path's engine is not in this process. */
  readonly engineBytes: number;
}

/**
 * Room the write path may take past the RSS at which it admitted a request: its budget of
 * rows and bodies, and the encoded copy of a batch while the engine inserts it.
 */
export function writePathRoom(maxPendingBytes: number): number {
  return 2 * maxPendingBytes;
}

/** The least `--max-rss-bytes` accepted with a given write-path budget. */
export function minMaxRssBytes(maxPendingBytes: number): number {
  return MIN_ENGINE_BYTES + NODE_RESERVE_BYTES + writePathRoom(maxPendingBytes);
}

/**
 * The bound from `--max-rss-bytes`, or else 80% of the container's memory limit (the rest
 * is headroom for what the bound cannot see at once: allocator slack, page cache charged to
 * the container), or none outside a container. Pure: the caller reads the cgroup.
 *
 * @param setting `--max-rss-bytes`
 * @param cgroupLimit the container's memory limit, if any ({@link readCgroupMemoryLimit})
 * @throws ConfigError when `setting` is below {@link minMaxRssBytes}
 */
export function memoryBound(
  setting: number | undefined,
  maxPendingBytes: number,
  cgroupLimit: number | undefined,
): MemoryBound | undefined {
  let bytes: number;
  let source: MemoryBound['source'];
  if (setting !== undefined) {
    const least = minMaxRssBytes(maxPendingBytes);
    if (setting < least)
      throw new ConfigError(
        `invalid configuration:\n  --max-rss-bytes (AIOBS_MAX_RSS_BYTES): must be at least ${least} ` +
          `(${MIN_ENGINE_BYTES / MiB} MiB for the embedded engine, ${NODE_RESERVE_BYTES / MiB} MiB ` +
          'for the collector, and twice --max-pending-bytes)',
      );
    bytes = setting;
    source = 'setting';
  } else if (cgroupLimit !== undefined) {
    bytes = Math.floor(cgroupLimit * CGROUP_SHARE);
    source = 'cgroup';
    // A container too small for the split gets no bound rather than a refusal to start:
    // nobody asked for one, and the write path's budget still applies.
    if (bytes < minMaxRssBytes(maxPendingBytes)) return undefined;
  } else return undefined;
  const room = writePathRoom(maxPendingBytes);
  return {
    bytes,
    source,
    admitBelow: bytes - room,
    engineBytes: bytes - NODE_RESERVE_BYTES - room,
  };
}

/** cgroup v1 writes a page-rounded maximum of the 64-bit range for "no limit". */
const V1_UNLIMITED = 2 ** 60;

/**
 * The memory limit of the cgroup the process runs in (v2 `memory.max` of its own cgroup, as
 * `/proc/self/cgroup` names it, or at the mount's root where the container has a cgroup
 * namespace; else v1 `memory.limit_in_bytes`), or undefined when there is none or it cannot
 * be read.
 */
export function readCgroupMemoryLimit(
  read: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): number | undefined {
  const text = (path: string): string | undefined => {
    try {
      return read(path).trim();
    } catch {
      return undefined;
    }
  };
  const limit = (path: string): number | undefined => {
    const t = text(path);
    if (t === undefined || !/^\d+$/.test(t)) return undefined;
    const n = Number(t);
    return n > 0 && n < V1_UNLIMITED ? n : undefined;
  };
  const own = /^0::(\/\S*)$/m.exec(text('/proc/self/cgroup') ?? '')?.[1];
  return (
    (own && own !== '/' ? limit(`/sys/fs/cgroup${own}/memory.max`) : undefined) ??
    limit('/sys/fs/cgroup/memory.max') ??
    limit('/sys/fs/cgroup/memory/memory.limit_in_bytes')
  );
}

/** How often RSS is read at most: admission asks per request. */
const SAMPLE_MS = 20;

/**
 * The write path's room under a {@link MemoryBound} (a `WritePathLimit` of its
 * `WriteBudget`): the RSS the bound admits, less the memory held outside the write path
 * (RSS less what the write path holds). So the budget's effective maximum falls as memory
 * held elsewhere grows, and new requests are refused once RSS reaches
 * {@link MemoryBound.admitBelow}. Reading RSS is a system call, so a reading is reused for
 * 20 ms; requests arrive far faster than RSS moves by a budget's worth.
 */
export class MemoryGuard {
  private readAt = Number.NEGATIVE_INFINITY;
  private lastRss = 0;
  private outside = 0;
  /** Requests refused because RSS was at the bound. */
  refused = 0;

  constructor(
    readonly bound: MemoryBound,
    private readonly readRss: () => number = () => process.memoryUsage.rss(),
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Bytes the write path may hold now, given that it holds `held` (0 or less: none). */
  room(held: number): number {
    const t = this.now();
    if (t - this.readAt >= SAMPLE_MS) {
      this.lastRss = this.readRss();
      this.outside = this.lastRss - held;
      this.readAt = t;
    }
    return this.bound.admitBelow - this.outside;
  }

  /** The refusal of a request turned away at the bound, counted. */
  refuse(): MemoryBoundError {
    this.refused++;
    return new MemoryBoundError(this.lastRss, this.bound.bytes);
  }
}
