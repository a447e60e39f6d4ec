import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  countProcesses,
  cpuUtilization,
  parseDiskstats,
  parseMeminfo,
  parseMounts,
  parseNetDev,
  parseProcStat,
  parseUptime,
  reportableMounts,
  statfsIsLocal,
} from './proc-parsers.js';

const fx = (name: string) => readFileSync(join(import.meta.dirname, '__fixtures__', name), 'utf8');

describe('parseProcStat', () => {
  it('reads the aggregate line, each CPU, boot time and processes created', () => {
    const s = parseProcStat(fx('proc-stat-t0.txt'));
    expect(s.total).toEqual({
      user: 1000,
      nice: 10,
      system: 500,
      idle: 8000,
      iowait: 100,
      irq: 20,
      softirq: 30,
      steal: 40,
    });
    expect([...s.cpus.keys()]).toEqual([0, 1]);
    expect(s.bootTimeSec).toBe(1_760_000_000);
    expect(s.processesCreated).toBe(424_242);
  });

  it('parses a recorded /proc/stat', () => {
    const s = parseProcStat(fx('proc-stat-recorded.txt'));
    expect(s.total).toBeDefined();
    expect(s.cpus.size).toBeGreaterThan(0);
    expect(s.bootTimeSec).toBeGreaterThan(1_000_000_000);
  });
});

describe('cpuUtilization', () => {
  const t0 = parseProcStat(fx('proc-stat-t0.txt'));
  const t1 = parseProcStat(fx('proc-stat-t1.txt'));

  it('splits the interval per mode and computes busy as 1 - idle - iowait', () => {
    const u = cpuUtilization(t0.total!, t1.total!)!;
    // deltas: user 300, system 100, idle 500, everything else 0 → total 900
    expect(u.modes.user).toBeCloseTo(300 / 900, 12);
    expect(u.modes.system).toBeCloseTo(100 / 900, 12);
    expect(u.modes.idle).toBeCloseTo(500 / 900, 12);
    expect(u.modes.interrupt).toBe(0);
    expect(u.busy).toBeCloseTo(400 / 900, 12);
  });

  it('per CPU', () => {
    expect(cpuUtilization(t0.cpus.get(0)!, t1.cpus.get(0)!)!.busy).toBeCloseTo(300 / 400, 12);
    expect(cpuUtilization(t0.cpus.get(1)!, t1.cpus.get(1)!)!.busy).toBeCloseTo(100 / 500, 12);
  });

  it('gives nothing when no time passed or counters went backwards', () => {
    expect(cpuUtilization(t0.total!, t0.total!)).toBeUndefined();
    expect(cpuUtilization(t1.total!, t0.total!)).toBeUndefined();
  });
});

describe('parseDiskstats', () => {
  it('converts 512-byte sectors to bytes', () => {
    const d = parseDiskstats(fx('diskstats-gpu-host.txt'));
    const nvme = d.find((x) => x.device === 'nvme0n1')!;
    expect(nvme).toEqual({
      device: 'nvme0n1',
      readsCompleted: 1_529_184,
      readBytes: 181_346_402 * 512,
      writesCompleted: 7_346_720,
      writtenBytes: 735_110_688 * 512,
    });
    expect(d.map((x) => x.device)).toContain('md0');
  });
});

describe('parseNetDev', () => {
  it('reads bytes, packets, errors and drops per interface', () => {
    const n = parseNetDev(fx('net-dev-gpu-host.txt'));
    expect(n.map((x) => x.iface)).toEqual(['lo', 'eno1', 'ibp12s0', 'docker0', 'vethd1e2f3a']);
    expect(n.find((x) => x.iface === 'eno1')).toEqual({
      iface: 'eno1',
      rxBytes: 98_317_464_214,
      rxPackets: 77_313_310,
      rxErrors: 0,
      rxDropped: 1204,
      txBytes: 12_884_901_888,
      txPackets: 22_181_822,
      txErrors: 0,
      txDropped: 0,
    });
    expect(n.find((x) => x.iface === 'ibp12s0')?.rxErrors).toBe(3);
  });

  it('parses a recorded /proc/net/dev', () => {
    expect(parseNetDev(fx('net-dev-recorded.txt')).some((x) => x.iface === 'lo')).toBe(true);
  });
});

describe('parseMounts / reportableMounts', () => {
  it('keeps real filesystems once per mountpoint, unescaping octal escapes', () => {
    const m = reportableMounts(parseMounts(fx('mounts-gpu-host.txt')));
    expect(m.map((x) => [x.mountpoint, x.fsType, x.readOnly])).toEqual([
      ['/run', 'tmpfs', false],
      ['/', 'ext4', false],
      ['/dev/shm', 'tmpfs', false],
      ['/boot/efi', 'vfat', false],
      ['/raid', 'xfs', false],
      ['/mnt/models', 'nfs4', true],
      ['/raid/model cache', 'xfs', false],
    ]);
  });

  it('calls statfs synchronously only where no network or FUSE mount is on the path', () => {
    const all = parseMounts(
      [
        fx('mounts-gpu-host.txt'),
        '/dev/nvme3n1 /mnt/models/scratch ext4 rw 0 0',
        'sshfs#me@box: /home/me/box fuse.sshfs rw 0 0',
        '/dev/nvme4n1 /home/me/box/disk ext4 rw 0 0',
        '/dev/nvme5n1 /mnt/modelsX ext4 rw 0 0',
      ].join('\n'),
    );
    const local = (mp: string) => {
      const m = all.find((x) => x.mountpoint === mp);
      if (!m) throw new Error(`no mount at ${mp}`);
      return statfsIsLocal(m, all);
    };
    expect(local('/')).toBe(true);
    expect(local('/dev/shm')).toBe(true);
    expect(local('/raid/model cache')).toBe(true);
    expect(local('/boot/efi')).toBe(true);
    expect(local('/mnt/models')).toBe(false);
    // Reached through the NFS mount above it, or through the FUSE mount.
    expect(local('/mnt/models/scratch')).toBe(false);
    expect(local('/home/me/box/disk')).toBe(false);
    // A sibling whose name only starts like the NFS mountpoint is not below it.
    expect(local('/mnt/modelsX')).toBe(true);
  });
});

describe('parseProcStat on a many-core host', () => {
  it('skips the intr and softirq counters and keeps every CPU', () => {
    const cpus = Array.from({ length: 192 }, (_, i) => `cpu${i} 1 2 3 4 5 6 7 8 0 0`);
    const intr = `intr ${Array.from({ length: 5000 }, (_, i) => i).join(' ')}`;
    const s = parseProcStat(
      [
        'cpu  10 20 30 40 50 60 70 80 0 0',
        ...cpus,
        intr,
        'ctxt 9',
        'btime 1760000000',
        'processes 77',
        'procs_running 3',
        'softirq 1 2 3',
      ].join('\n'),
    );
    expect(s.cpus.size).toBe(192);
    expect(s.cpus.get(191)).toMatchObject({ user: 1, steal: 8 });
    expect(s.total).toMatchObject({ user: 10, steal: 80 });
    expect(s).toMatchObject({ bootTimeSec: 1_760_000_000, processesCreated: 77 });
  });
});

describe('small readers', () => {
  it('uptime and process count', () => {
    expect(parseUptime('350735.47 234388.90\n')).toBe(350735.47);
    expect(parseUptime('garbage')).toBeUndefined();
    expect(countProcesses(['1', '42', 'self', 'net', '1337', 'sys'])).toBe(3);
  });
});

describe('parseMeminfo', () => {
  it('reads bytes from a recorded /proc/meminfo', () => {
    expect(parseMeminfo(fx('meminfo-recorded.txt'))).toEqual({
      total: 24_683_548 * 1024,
      free: 19_299_440 * 1024,
      available: 22_022_448 * 1024,
      buffers: 171_812 * 1024,
      cached: 2_570_816 * 1024,
      swapTotal: 0,
      swapFree: 0,
    });
  });

  it('estimates available memory on kernels without MemAvailable, and needs MemTotal', () => {
    const old =
      'MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 10 kB\nCached: 20 kB\nSwapCached: 5 kB\nSlab: 1 kB\n';
    expect(parseMeminfo(old)).toMatchObject({ available: 131 * 1024, cached: 20 * 1024 });
    expect(parseMeminfo('MemFree: 1 kB\n')).toBeUndefined();
    expect(parseMeminfo('')).toBeUndefined();
  });
});
