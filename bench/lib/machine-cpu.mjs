// The whole machine's CPU over an interval, by process kind, from Linux's /proc: what a page
// load costs the 2-core machine beyond the renderer's main thread (V8's worker threads, the
// browser process, the collector's engine threads, the benchmark itself). Jiffies are
// 1/100 s, so a figure is good to about 10 ms per process.
import { readdirSync, readFileSync } from 'node:fs';

const HZ = 100;

/** Kinds of process the report names; anything else is `other`. */
export const KINDS = ['renderer', 'browser', 'gpu+utility', 'collector', 'bench', 'other'];

function kindOf(pid, comm, collectorPid) {
  if (pid === collectorPid) return 'collector';
  if (pid === process.pid) return 'bench';
  if (!comm.startsWith('chrom')) return 'other';
  let cmd = '';
  try {
    cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return 'other';
  }
  const type = /--type=([a-z-]+)/.exec(cmd)?.[1];
  if (type === 'renderer') return 'renderer';
  if (type === undefined) return 'browser';
  if (type === 'zygote') return 'other';
  return 'gpu+utility';
}

/**
 * A snapshot: every process's CPU seconds by pid (with its kind) and the machine's busy and
 * total jiffies. `collectorPid` names the collector's process.
 */
export function cpuSnapshot(collectorPid) {
  const procs = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      procs.set(pid, {
        kind: kindOf(pid, comm, collectorPid),
        cpu: (Number(f[11]) + Number(f[12])) / HZ,
      });
    } catch {
      // The process ended while being read.
    }
  }
  const j = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const idle = j[3] + j[4];
  const total = j.reduce((a, b) => a + b, 0);
  return { procs, busy: total - idle, total };
}

/**
 * Between two snapshots: ms of CPU per kind (processes that started in between count from
 * zero) and how busy the machine was (0..1 of all its cores).
 */
export function cpuBetween(a, b) {
  const ms = Object.fromEntries(KINDS.map((k) => [k, 0]));
  for (const [pid, p] of b.procs) ms[p.kind] += (p.cpu - (a.procs.get(pid)?.cpu ?? 0)) * 1000;
  const total = b.total - a.total;
  return { ms, busy: total > 0 ? (b.busy - a.busy) / total : 0 };
}
