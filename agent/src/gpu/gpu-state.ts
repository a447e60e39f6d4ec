import type { DmonThroughput, Row } from '../parse/nvidia-smi.js';
import { parseNumber } from '../parse/nvidia-smi.js';
import type { GpuFieldKey } from './fields.js';

/** Raw cells of one GPU row by canonical key. */
export type GpuReading = Partial<Record<GpuFieldKey, string>>;

/** One compute process on a GPU, from `--query-compute-apps`. */
export interface GpuApp {
  readonly gpuUuid: string;
  readonly pid: number;
  readonly processName: string;
  /** MiB, as nvidia-smi reports it; undefined when not available (e.g. `[N/A]`). */
  readonly usedMiB: number | undefined;
}

/** Everything known about one GPU at collection time. */
export interface GpuSnapshotEntry {
  readonly reading: GpuReading;
  readonly receivedAtMs: number;
  /** Energy in J integrated from power samples since the agent started; undefined without power. */
  readonly energyJ: number | undefined;
  readonly pcie: { rxMBps: number | undefined; txMBps: number | undefined } | undefined;
}

/** The latest view of all GPUs and their processes. */
export interface GpuSnapshot {
  readonly gpus: readonly GpuSnapshotEntry[];
  readonly apps: readonly GpuApp[];
}

interface GpuEntry {
  reading: GpuReading;
  receivedAtMs: number;
  energyJ: number | undefined;
  lastPowerW: number | undefined;
  lastPowerAt: number;
  pcie: { rxMBps: number | undefined; txMBps: number | undefined; at: number } | undefined;
}

/**
 * Latest GPU rows, compute processes and PCIe throughput as they stream in from the
 * long-lived nvidia-smi processes, plus energy integrated from the power samples
 * (`--query-gpu` has no energy counter; NVML's total energy is not exposed by nvidia-smi).
 * Pure: times are passed in.
 */
export class GpuState {
  private readonly gpus = new Map<string, GpuEntry>();
  private readonly byIndex = new Map<number, string>();
  private readonly apps = new Map<string, { app: GpuApp; at: number }>();

  /**
   * @param intervalMs sampling interval of the nvidia-smi loops
   * @param staleAfterMs rows older than this are left out of snapshots (a GPU that fell off)
   */
  constructor(
    private readonly intervalMs: number,
    private readonly staleAfterMs: number = Math.max(3 * intervalMs, 5000),
  ) {}

  /** Records one `--query-gpu` row. Rows without a UUID are ignored. */
  updateGpu(reading: GpuReading, atMs: number): void {
    const uuid = reading.uuid;
    if (!uuid) return;
    let e = this.gpus.get(uuid);
    if (!e) {
      e = {
        reading,
        receivedAtMs: atMs,
        energyJ: undefined,
        lastPowerW: undefined,
        lastPowerAt: 0,
        pcie: undefined,
      };
      this.gpus.set(uuid, e);
    }
    e.reading = reading;
    e.receivedAtMs = atMs;
    const index = parseNumber(reading.index);
    if (index !== undefined) this.byIndex.set(index, uuid);
    const power = parseNumber(reading.powerDraw);
    if (power !== undefined) {
      // Trapezoid rule between samples; a gap longer than a few intervals (tool restarted)
      // is not integrated rather than guessed.
      if (e.lastPowerW !== undefined && atMs > e.lastPowerAt) {
        const dt = (atMs - e.lastPowerAt) / 1000;
        if (atMs - e.lastPowerAt <= 5 * this.intervalMs) {
          e.energyJ = (e.energyJ ?? 0) + ((e.lastPowerW + power) / 2) * dt;
        }
      }
      e.energyJ ??= 0;
      e.lastPowerW = power;
      e.lastPowerAt = atMs;
    }
  }

  /** Records one `--query-compute-apps` row (`gpu_uuid, pid, process_name, used_gpu_memory`). */
  updateApp(row: Row, atMs: number): void {
    const gpuUuid = row.gpu_uuid;
    const pid = parseNumber(row.pid);
    if (!gpuUuid || pid === undefined) return;
    this.apps.set(`${gpuUuid}/${pid}`, {
      app: {
        gpuUuid,
        pid,
        processName: row.process_name ?? '',
        usedMiB: parseNumber(row.used_gpu_memory),
      },
      at: atMs,
    });
  }

  /** Records one `dmon -s t` row (keyed by GPU index). */
  updatePcie(t: DmonThroughput, atMs: number): void {
    const uuid = this.byIndex.get(t.index);
    const e = uuid === undefined ? undefined : this.gpus.get(uuid);
    if (e) e.pcie = { rxMBps: t.rxMBps, txMBps: t.txMBps, at: atMs };
  }

  /**
   * GPUs with a fresh row, and processes seen in the last 1.5 intervals: the process list
   * arrives as a block per interval and an empty block prints nothing, so recency is what
   * tells a process that ended from one still running.
   */
  snapshot(nowMs: number): GpuSnapshot {
    const gpus: GpuSnapshotEntry[] = [];
    for (const e of this.gpus.values()) {
      if (nowMs - e.receivedAtMs > this.staleAfterMs) continue;
      const pcieFresh = e.pcie && nowMs - e.pcie.at <= this.staleAfterMs + 1000;
      gpus.push({
        reading: e.reading,
        receivedAtMs: e.receivedAtMs,
        energyJ: e.energyJ,
        pcie: pcieFresh && e.pcie ? { rxMBps: e.pcie.rxMBps, txMBps: e.pcie.txMBps } : undefined,
      });
    }
    gpus.sort((a, b) => (parseNumber(a.reading.index) ?? 0) - (parseNumber(b.reading.index) ?? 0));
    const appWindow = Math.max(1.5 * this.intervalMs, 1500);
    const apps: GpuApp[] = [];
    for (const [key, a] of this.apps) {
      if (nowMs - a.at > appWindow) {
        if (nowMs - a.at > this.staleAfterMs) this.apps.delete(key);
        continue;
      }
      apps.push(a.app);
    }
    return { gpus, apps };
  }

  /** Number of GPUs seen so far (fresh or not). */
  get knownGpus(): number {
    return this.gpus.size;
  }
}
