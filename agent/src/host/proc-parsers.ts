/**
 * Pure parsers for the Linux `/proc` files the host collector reads each interval. Reading
 * these directly costs a few syscalls, where the equivalent `systeminformation` calls spawn
 * shells (`cat /proc/stat | grep cpu`, `df`, `lsblk`) every time; see the README (Agent, design notes).
 * Fixtures in `__fixtures__/`.
 */

/** Jiffies per CPU mode from one `cpu`/`cpuN` line of `/proc/stat`. */
export interface CpuTimes {
  readonly user: number;
  readonly nice: number;
  readonly system: number;
  readonly idle: number;
  readonly iowait: number;
  readonly irq: number;
  readonly softirq: number;
  readonly steal: number;
}

/** What the agent uses from `/proc/stat`. */
export interface ProcStat {
  /** Aggregate over all CPUs (the `cpu` line). */
  readonly total: CpuTimes | undefined;
  /** Per logical CPU, indexed by the number in `cpuN`. */
  readonly cpus: ReadonlyMap<number, CpuTimes>;
  /** Boot time, Unix seconds (`btime`). */
  readonly bootTimeSec: number | undefined;
  /** Processes created since boot (`processes`). */
  readonly processesCreated: number | undefined;
}

/**
 * Parses `/proc/stat`. Guest time is already included in user/nice by the kernel. Only the
 * `cpu*`, `btime` and `processes` lines are split: the `intr` line holds one counter per
 * interrupt (thousands on a many-core GPU host) and splitting it every interval would cost
 * more than everything else here.
 */
export function parseProcStat(text: string): ProcStat {
  let total: CpuTimes | undefined;
  const cpus = new Map<number, CpuTimes>();
  let bootTimeSec: number | undefined;
  let processesCreated: number | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trimStart();
    if (!line.startsWith('cpu') && !line.startsWith('btime') && !line.startsWith('processes'))
      continue;
    const parts = line.trim().split(/\s+/);
    const key = parts[0];
    if (!key) continue;
    if (key.startsWith('cpu')) {
      const n = parts.slice(1, 9).map(Number);
      if (n.length < 4 || n.some((x) => !Number.isFinite(x))) continue;
      const t: CpuTimes = {
        user: n[0] ?? 0,
        nice: n[1] ?? 0,
        system: n[2] ?? 0,
        idle: n[3] ?? 0,
        iowait: n[4] ?? 0,
        irq: n[5] ?? 0,
        softirq: n[6] ?? 0,
        steal: n[7] ?? 0,
      };
      if (key === 'cpu') total = t;
      else {
        const id = Number(key.slice(3));
        if (Number.isInteger(id)) cpus.set(id, t);
      }
    } else if (key === 'btime') bootTimeSec = Number(parts[1]);
    else if (key === 'processes') processesCreated = Number(parts[1]);
  }
  return { total, cpus, bootTimeSec, processesCreated };
}

/** CPU utilization over an interval: per `cpu.mode` ratios and the busy ratio. */
export interface CpuUtilization {
  /** Ratio of time per OTel `cpu.mode` (user, system, nice, idle, iowait, interrupt, steal). */
  readonly modes: Readonly<Record<string, number>>;
  /** 1 − (idle + iowait) share: what "CPU usage" means in top and dashboards. */
  readonly busy: number;
}

/**
 * Utilization between two readings of the same CPU; `undefined` when no time passed
 * (or counters went backwards, e.g. a CPU taken offline and back).
 */
export function cpuUtilization(prev: CpuTimes, cur: CpuTimes): CpuUtilization | undefined {
  const d = {
    user: cur.user - prev.user,
    nice: cur.nice - prev.nice,
    system: cur.system - prev.system,
    idle: cur.idle - prev.idle,
    iowait: cur.iowait - prev.iowait,
    irq: cur.irq - prev.irq,
    softirq: cur.softirq - prev.softirq,
    steal: cur.steal - prev.steal,
  };
  const values = Object.values(d);
  if (values.some((v) => v < 0)) return undefined;
  const total = values.reduce((a, b) => a + b, 0);
  if (total <= 0) return undefined;
  const r = (v: number) => v / total;
  return {
    modes: {
      user: r(d.user),
      nice: r(d.nice),
      system: r(d.system),
      idle: r(d.idle),
      iowait: r(d.iowait),
      interrupt: r(d.irq + d.softirq),
      steal: r(d.steal),
    },
    busy: 1 - r(d.idle + d.iowait),
  };
}

/** Cumulative I/O counters of one block device from `/proc/diskstats`. */
export interface DiskStats {
  readonly device: string;
  readonly readsCompleted: number;
  readonly readBytes: number;
  readonly writesCompleted: number;
  readonly writtenBytes: number;
}

/**
 * Parses `/proc/diskstats`. Sector counts there are always in 512-byte units, whatever the
 * device's sector size (Documentation/admin-guide/iostats.rst).
 */
export function parseDiskstats(text: string): DiskStats[] {
  const out: DiskStats[] = [];
  for (const line of text.split('\n')) {
    const p = line.trim().split(/\s+/);
    if (p.length < 14) continue;
    const device = p[2];
    const n = (i: number) => Number(p[i]);
    if (!device || !Number.isFinite(n(3))) continue;
    out.push({
      device,
      readsCompleted: n(3),
      readBytes: n(5) * 512,
      writesCompleted: n(7),
      writtenBytes: n(9) * 512,
    });
  }
  return out;
}

/** Cumulative counters of one interface from `/proc/net/dev`. */
export interface NetDevStats {
  readonly iface: string;
  readonly rxBytes: number;
  readonly rxPackets: number;
  readonly rxErrors: number;
  readonly rxDropped: number;
  readonly txBytes: number;
  readonly txPackets: number;
  readonly txErrors: number;
  readonly txDropped: number;
}

/** Parses `/proc/net/dev` (two header lines, then `iface: 16 counters`). */
export function parseNetDev(text: string): NetDevStats[] {
  const out: NetDevStats[] = [];
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0 || line.includes('|')) continue;
    const iface = line.slice(0, colon).trim();
    const n = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    if (!iface || n.length < 16 || n.some((x) => !Number.isFinite(x))) continue;
    out.push({
      iface,
      rxBytes: n[0]!,
      rxPackets: n[1]!,
      rxErrors: n[2]!,
      rxDropped: n[3]!,
      txBytes: n[8]!,
      txPackets: n[9]!,
      txErrors: n[10]!,
      txDropped: n[11]!,
    });
  }
  return out;
}

/** One line of `/proc/<pid>/mounts`. */
export interface MountEntry {
  readonly device: string;
  readonly mountpoint: string;
  readonly fsType: string;
  readonly readOnly: boolean;
}

/** Undoes the octal escapes the kernel writes for spaces, tabs and backslashes. */
function unescapeMount(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, oct: string) =>
    String.fromCharCode(Number.parseInt(oct, 8)),
  );
}

/** Parses `/proc/<pid>/mounts` (fstab format). */
export function parseMounts(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const p = line.trim().split(/\s+/);
    if (p.length < 4 || !p[0] || !p[1] || !p[2]) continue;
    out.push({
      device: unescapeMount(p[0]),
      mountpoint: unescapeMount(p[1]),
      fsType: p[2],
      readOnly: (p[3] ?? '').split(',').includes('ro'),
    });
  }
  return out;
}

// Pseudo and image filesystems that say nothing about disk space (the same set
// node_exporter skips by default), plus mount trees that belong to container runtimes.
// /dev/shm stays: inference stacks (NCCL, PyTorch workers) live in it.
const IGNORED_FS_TYPES = new Set([
  'autofs',
  'binfmt_misc',
  'bpf',
  'cgroup',
  'cgroup2',
  'configfs',
  'debugfs',
  'devpts',
  'devtmpfs',
  'efivarfs',
  'erofs',
  'fusectl',
  'fuse.lxcfs',
  'hugetlbfs',
  'iso9660',
  'mqueue',
  'nsfs',
  'overlay',
  'proc',
  'procfs',
  'pstore',
  'ramfs',
  'rpc_pipefs',
  'securityfs',
  'selinuxfs',
  'squashfs',
  'sysfs',
  'tracefs',
  'nfsd',
]);
const IGNORED_MOUNTPOINTS =
  /^\/(dev(?!\/shm$)|proc|sys|run\/credentials\/.+|run\/user\/.+|var\/lib\/docker\/.+|var\/lib\/containers\/storage\/.+|var\/lib\/kubelet\/.+|run\/containerd\/.+|snap\/.+)($|\/)/;

/** Mounts worth reporting: real filesystems, first mount per mountpoint. */
export function reportableMounts(mounts: readonly MountEntry[]): MountEntry[] {
  const seen = new Set<string>();
  const out: MountEntry[] = [];
  for (const m of mounts) {
    if (IGNORED_FS_TYPES.has(m.fsType) || IGNORED_MOUNTPOINTS.test(m.mountpoint)) continue;
    if (seen.has(m.mountpoint)) continue;
    seen.add(m.mountpoint);
    out.push(m);
  }
  return out;
}

// Filesystems whose statfs(2) answers from counters in memory, without a network round trip,
// a user-space server (FUSE) or disk I/O.
const LOCAL_FS_TYPES = new Set([
  'btrfs',
  'devtmpfs',
  'exfat',
  'ext2',
  'ext3',
  'ext4',
  'f2fs',
  'overlay',
  'ramfs',
  'tmpfs',
  'vfat',
  'xfs',
]);

/**
 * True when statfs(2) on a mountpoint cannot hang: the mount and every mount its path goes
 * through (`/`, and e.g. `/mnt` for `/mnt/scratch`) are local filesystems. A local disk
 * mounted below an NFS directory is still reached through NFS lookups, and a hung NFS server
 * would block them. `all` is the whole mount table, pseudo filesystems included.
 */
export function statfsIsLocal(mount: MountEntry, all: readonly MountEntry[]): boolean {
  if (!LOCAL_FS_TYPES.has(mount.fsType)) return false;
  const path = mount.mountpoint;
  for (const m of all) {
    const mp = m.mountpoint;
    const crossed = mp === '/' || mp === path || path.startsWith(`${mp}/`);
    if (crossed && !LOCAL_FS_TYPES.has(m.fsType)) return false;
  }
  return true;
}

/** Parses `/proc/uptime` → seconds since boot. */
export function parseUptime(text: string): number | undefined {
  const v = Number(text.trim().split(/\s+/)[0]);
  return Number.isFinite(v) ? v : undefined;
}

/** Counts process directories in a `/proc` listing. */
export function countProcesses(entries: readonly string[]): number {
  let n = 0;
  for (const e of entries) if (isDigits(e)) n++;
  return n;
}

function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** What the agent uses from `/proc/meminfo`, in bytes. */
export interface MemInfo {
  readonly total: number;
  readonly free: number;
  /** `MemAvailable`; on kernels before 3.14, free + buffers + cached + slab. */
  readonly available: number;
  readonly buffers: number;
  readonly cached: number;
  readonly swapTotal: number;
  readonly swapFree: number;
}

const MEMINFO_KEYS = new Set([
  'MemTotal',
  'MemFree',
  'MemAvailable',
  'Buffers',
  'Cached',
  'Slab',
  'SwapTotal',
  'SwapFree',
]);

/**
 * Parses `/proc/meminfo` (values in kB) with the definitions `systeminformation.mem()` uses,
 * which the agent read memory through before; `undefined` without `MemTotal`.
 */
export function parseMeminfo(text: string): MemInfo | undefined {
  // Only the keys used below are kept (the file has ~55 lines, read every interval).
  const kb = new Map<string, number>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon);
    if (!MEMINFO_KEYS.has(key)) continue;
    const v = Number.parseInt(line.slice(colon + 1), 10);
    if (Number.isFinite(v)) kb.set(key, v * 1024);
  }
  const total = kb.get('MemTotal');
  if (!total) return undefined;
  const get = (k: string) => kb.get(k) ?? 0;
  const free = get('MemFree');
  const buffers = get('Buffers');
  const cached = get('Cached');
  return {
    total,
    free,
    available: kb.get('MemAvailable') ?? free + buffers + cached + get('Slab'),
    buffers,
    cached,
    swapTotal: get('SwapTotal'),
    swapFree: get('SwapFree'),
  };
}
