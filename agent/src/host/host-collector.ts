import { readdir, readFile, statfs } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import si from 'systeminformation';
import type { Logger } from '../logger.js';
import { gauge, type Metric, type MetricPoint, nonEmpty, sum } from '../metrics/model.js';
import {
  ATTR_CPU_LOGICAL_NUMBER,
  ATTR_CPU_MODE,
  ATTR_DISK_IO_DIRECTION,
  ATTR_FS_MODE,
  ATTR_FS_MOUNTPOINT,
  ATTR_FS_STATE,
  ATTR_FS_TYPE,
  ATTR_NETWORK_INTERFACE_NAME,
  ATTR_NETWORK_IO_DIRECTION,
  ATTR_SYSTEM_DEVICE,
  ATTR_SYSTEM_MEMORY_STATE,
  ATTR_SYSTEM_PAGING_STATE,
  M,
} from '../semconv.js';
import {
  countProcesses,
  cpuUtilization,
  type MountEntry,
  type ProcStat,
  parseDiskstats,
  parseMounts,
  parseNetDev,
  parseProcStat,
  parseUptime,
  reportableMounts,
} from './proc-parsers.js';

/** Options of {@link createHostCollector}. */
export interface HostCollectorOptions {
  /**
   * Root of the host's filesystem: `/` normally, the mount of the host's `/` when the agent
   * runs in a container (Kubernetes DaemonSet mounts it at `/host`). `/proc`, `/sys` and the
   * mountpoints are read below it.
   */
  readonly hostRoot: string;
  /** Network interfaces to leave out (virtual container interfaces by default). */
  readonly netExclude: RegExp;
  readonly logger: Logger;
}

/** Reads host metrics each interval; never throws (a failed reader yields no points). */
export interface HostCollector {
  /** Takes a first CPU reading so the first collection has an interval to compare with. */
  prime(): Promise<void>;
  collect(): Promise<Metric[]>;
}

/** Default for {@link HostCollectorOptions.netExclude}: loopback and container plumbing. */
export const DEFAULT_NET_EXCLUDE =
  /^(lo|veth.*|cali.*|cni.*|docker\d*|br-.*|virbr.*|flannel.*|lxc.*|tunl.*|vxlan.*|kube-.*|genev_sys.*|cilium.*|nodelocaldns)$/;

/**
 * Host metrics per the OTel system conventions, read from `/proc` and `statfs(2)` (memory
 * through `systeminformation`, which reads `/proc/meminfo` without spawning anything).
 *
 * @example
 * const host = createHostCollector({ hostRoot: '/', netExclude: DEFAULT_NET_EXCLUDE, logger });
 * await host.prime();
 * const metrics = await host.collect();
 */
export function createHostCollector(opts: HostCollectorOptions): HostCollector {
  const proc = join(opts.hostRoot, 'proc');
  const inContainer = opts.hostRoot !== '/';
  let prevStat: ProcStat | undefined;
  let wholeDisks: { names: Set<string>; at: number } | undefined;
  // statfs on a hung network mount never returns and holds a libuv thread; at most one
  // call per mountpoint is in flight, so one bad mount cannot exhaust the thread pool.
  const statfsInFlight = new Set<string>();
  const warned = new Set<string>();

  const read = (path: string) => readFile(path, 'utf8');
  const warnOnce = (key: string, msg: string, err?: unknown) => {
    if (warned.has(key)) return;
    warned.add(key);
    opts.logger.warn(msg, err === undefined ? {} : { error: String(err) });
  };
  const safe = async <T>(key: string, f: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await f();
    } catch (err) {
      warnOnce(key, `host reader ${key} failed; its metrics are left out`, err);
      return undefined;
    }
  };

  async function readWholeDisks(): Promise<Set<string>> {
    if (wholeDisks && Date.now() - wholeDisks.at < 60_000) return wholeDisks.names;
    const names = new Set(await readdir(join(opts.hostRoot, 'sys', 'block')).catch(() => []));
    wholeDisks = { names, at: Date.now() };
    return names;
  }

  async function cpuAndProcesses(): Promise<Metric[]> {
    const stat = parseProcStat(await read(join(proc, 'stat')));
    const prev = prevStat;
    prevStat = stat;
    const bootMs = (stat.bootTimeSec ?? 0) * 1000;
    const points: MetricPoint[] = [];
    if (prev?.total && stat.total) {
      const total = cpuUtilization(prev.total, stat.total);
      if (total) {
        points.push({ attributes: {}, value: total.busy });
        for (const [mode, v] of Object.entries(total.modes)) {
          points.push({ attributes: { [ATTR_CPU_MODE]: mode }, value: v });
        }
      }
      for (const [id, cur] of stat.cpus) {
        const before = prev.cpus.get(id);
        const u = before && cpuUtilization(before, cur);
        if (u) points.push({ attributes: { [ATTR_CPU_LOGICAL_NUMBER]: id }, value: u.busy });
      }
    }
    const entries = await readdir(proc).catch(() => [] as string[]);
    const [l1, l5, l15] = loadavg();
    return [
      gauge(M.cpuUtilization, '1', points),
      sum(M.cpuLogicalCount, '{cpu}', false, bootMs, [{ attributes: {}, value: stat.cpus.size }]),
      gauge(M.load1m, '{thread}', [{ attributes: {}, value: l1 ?? Number.NaN }]),
      gauge(M.load5m, '{thread}', [{ attributes: {}, value: l5 ?? Number.NaN }]),
      gauge(M.load15m, '{thread}', [{ attributes: {}, value: l15 ?? Number.NaN }]),
      sum(M.processCount, '{process}', false, bootMs, [
        { attributes: {}, value: entries.length > 0 ? countProcesses(entries) : Number.NaN },
      ]),
      sum(M.processCreated, '{process}', true, bootMs, [
        { attributes: {}, value: stat.processesCreated ?? Number.NaN },
      ]),
    ];
  }

  async function memory(bootMs: number): Promise<Metric[]> {
    const m = await si.mem();
    const used = m.total - m.available;
    const states: [string, number][] = [
      ['used', used],
      ['free', m.free],
      ['cached', m.cached],
      ['buffers', m.buffers],
    ];
    const pts = (f: (v: number) => number) =>
      states.map(([s, v]) => ({ attributes: { [ATTR_SYSTEM_MEMORY_STATE]: s }, value: f(v) }));
    const swap: [string, number][] = [
      ['used', m.swapused],
      ['free', m.swapfree],
    ];
    const swapPts = (f: (v: number) => number) =>
      swap.map(([s, v]) => ({ attributes: { [ATTR_SYSTEM_PAGING_STATE]: s }, value: f(v) }));
    return [
      sum(
        M.memoryUsage,
        'By',
        false,
        bootMs,
        pts((v) => v),
      ),
      sum(M.memoryLimit, 'By', false, bootMs, [{ attributes: {}, value: m.total }]),
      gauge(M.memoryUtilization, '1', m.total > 0 ? pts((v) => v / m.total) : []),
      sum(M.memoryAvailable, 'By', false, bootMs, [{ attributes: {}, value: m.available }]),
      sum(
        M.pagingUsage,
        'By',
        false,
        bootMs,
        swapPts((v) => v),
      ),
      gauge(M.pagingUtilization, '1', m.swaptotal > 0 ? swapPts((v) => v / m.swaptotal) : []),
    ];
  }

  async function statMount(mount: MountEntry) {
    if (statfsInFlight.has(mount.mountpoint)) {
      warnOnce(`statfs:${mount.mountpoint}`, 'statfs still pending on a mount; skipping it', {
        mountpoint: mount.mountpoint,
      });
      return undefined;
    }
    statfsInFlight.add(mount.mountpoint);
    try {
      return await statfs(join(opts.hostRoot, mount.mountpoint));
    } catch {
      return undefined;
    } finally {
      statfsInFlight.delete(mount.mountpoint);
    }
  }

  async function filesystems(bootMs: number): Promise<Metric[]> {
    // In a container, the host's mount table is that of its init process.
    const table = await read(join(proc, inContainer ? '1/mounts' : 'self/mounts'));
    const mounts = reportableMounts(parseMounts(table));
    const usage: MetricPoint[] = [];
    const util: MetricPoint[] = [];
    const limit: MetricPoint[] = [];
    const stats = await Promise.all(
      mounts.map((m) => Promise.race([statMount(m), delay(2000, undefined)])),
    );
    mounts.forEach((m, i) => {
      const s = stats[i];
      if (!s || s.blocks === 0) return;
      const attrs = {
        [ATTR_SYSTEM_DEVICE]: m.device,
        [ATTR_FS_MOUNTPOINT]: m.mountpoint,
        [ATTR_FS_TYPE]: m.fsType,
        [ATTR_FS_MODE]: m.readOnly ? 'ro' : 'rw',
      };
      const total = s.blocks * s.bsize;
      const free = s.bfree * s.bsize;
      const avail = s.bavail * s.bsize;
      const used = total - free;
      usage.push(
        { attributes: { ...attrs, [ATTR_FS_STATE]: 'used' }, value: used },
        { attributes: { ...attrs, [ATTR_FS_STATE]: 'free' }, value: avail },
        { attributes: { ...attrs, [ATTR_FS_STATE]: 'reserved' }, value: free - avail },
      );
      // Same definition as df's Use%: used over what users can use.
      if (used + avail > 0) util.push({ attributes: attrs, value: used / (used + avail) });
      limit.push({ attributes: attrs, value: total });
    });
    return [
      sum(M.fsUsage, 'By', false, bootMs, usage),
      gauge(M.fsUtilization, '1', util),
      sum(M.fsLimit, 'By', false, bootMs, limit),
    ];
  }

  async function disks(bootMs: number): Promise<Metric[]> {
    const whole = await readWholeDisks();
    const stats = parseDiskstats(await read(join(proc, 'diskstats'))).filter(
      (d) => (whole.size === 0 || whole.has(d.device)) && !/^(loop|ram)\d+$/.test(d.device),
    );
    const dir = (device: string, direction: string) => ({
      [ATTR_SYSTEM_DEVICE]: device,
      [ATTR_DISK_IO_DIRECTION]: direction,
    });
    return [
      sum(
        M.diskIo,
        'By',
        true,
        bootMs,
        stats.flatMap((d) => [
          { attributes: dir(d.device, 'read'), value: d.readBytes },
          { attributes: dir(d.device, 'write'), value: d.writtenBytes },
        ]),
      ),
      sum(
        M.diskOperations,
        '{operation}',
        true,
        bootMs,
        stats.flatMap((d) => [
          { attributes: dir(d.device, 'read'), value: d.readsCompleted },
          { attributes: dir(d.device, 'write'), value: d.writesCompleted },
        ]),
      ),
    ];
  }

  async function network(bootMs: number): Promise<Metric[]> {
    // /proc/<pid>/net/dev is the network namespace of that process: pid 1's is the host's.
    const file = join(proc, inContainer ? '1/net/dev' : 'net/dev');
    const ifaces = parseNetDev(await read(file)).filter((n) => !opts.netExclude.test(n.iface));
    const both = (f: (n: (typeof ifaces)[number]) => [number, number]) =>
      ifaces.flatMap((n) => {
        const [rx, tx] = f(n);
        return [
          {
            attributes: {
              [ATTR_NETWORK_INTERFACE_NAME]: n.iface,
              [ATTR_NETWORK_IO_DIRECTION]: 'receive',
            },
            value: rx,
          },
          {
            attributes: {
              [ATTR_NETWORK_INTERFACE_NAME]: n.iface,
              [ATTR_NETWORK_IO_DIRECTION]: 'transmit',
            },
            value: tx,
          },
        ];
      });
    return [
      sum(
        M.networkIo,
        'By',
        true,
        bootMs,
        both((n) => [n.rxBytes, n.txBytes]),
      ),
      sum(
        M.networkErrors,
        '{error}',
        true,
        bootMs,
        both((n) => [n.rxErrors, n.txErrors]),
      ),
      sum(
        M.networkDropped,
        '{packet}',
        true,
        bootMs,
        both((n) => [n.rxDropped, n.txDropped]),
      ),
      sum(
        M.networkPackets,
        '{packet}',
        true,
        bootMs,
        both((n) => [n.rxPackets, n.txPackets]),
      ),
    ];
  }

  async function uptime(): Promise<Metric[]> {
    const v = parseUptime(await read(join(proc, 'uptime')));
    return [gauge(M.uptime, 's', [{ attributes: {}, value: v ?? Number.NaN }])];
  }

  return {
    async prime() {
      await safe('cpu', async () => {
        prevStat = parseProcStat(await read(join(proc, 'stat')));
      });
    },
    async collect() {
      const cpu = await safe('cpu', cpuAndProcesses);
      const bootMs = (prevStat?.bootTimeSec ?? 0) * 1000;
      const parts = await Promise.all([
        safe('memory', () => memory(bootMs)),
        safe('filesystem', () => filesystems(bootMs)),
        safe('disk', () => disks(bootMs)),
        safe('network', () => network(bootMs)),
        safe('uptime', uptime),
      ]);
      return nonEmpty([...(cpu ?? []), ...parts.flatMap((p) => p ?? [])]);
    },
  };
}

function delay<T>(ms: number, value: T): Promise<T> {
  return new Promise((res) => setTimeout(res, ms, value).unref());
}
