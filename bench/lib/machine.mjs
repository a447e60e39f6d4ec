// The machine line every benchmark prints first, with a fixed single-core workload's time:
// figures from different sessions' VMs (same nominal size, not the same speed) can then be
// told apart by the machine, not only by the code.

import { cpus, loadavg, totalmem } from 'node:os';
import { gzipSync } from 'node:zlib';

/**
 * Milliseconds of one fixed workload on one core, median of `runs`: JSON out and back and a
 * gzip of it, the kind of work a collector and a renderer do. Lower is faster.
 */
export function cpuCheckMs(runs = 3) {
  const rows = Array.from({ length: 100_000 }, (_, i) => ({
    id: i,
    model: `model-${i % 7}`,
    latencyMs: (i * 7919) % 2000,
    tags: { tenant: `t${i % 13}`, ok: i % 5 !== 0 },
  }));
  const times = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const text = JSON.stringify(rows);
    JSON.parse(text);
    gzipSync(text, { level: 6 });
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(times.length / 2)]);
}

/**
 * `machine: 2 cores (AMD EPYC), 24 GiB, Node v20…, load 0.1 0.2 0.3, cpu check 412 ms`: the
 * cores, memory, Node, the load average now, and {@link cpuCheckMs}.
 */
export function machineLine() {
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  return `machine: ${cpus().length} cores (${cpus()[0]?.model}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load ${load}, cpu check ${cpuCheckMs()} ms (fixed JSON + gzip work on one core; lower is faster)`;
}
