import { AttributeSets, NO_ATTRIBUTES } from '../metrics/attribute-sets.js';
import {
  type Attributes,
  gauge,
  type Metric,
  type MetricPoint,
  nonEmpty,
  sum,
} from '../metrics/model.js';
import { parseNumber, parsePstate, parseText } from '../parse/nvidia-smi.js';
import {
  ATTR_AIOBS_GPU_CLOCK_TYPE,
  ATTR_AIOBS_GPU_THROTTLE_REASON,
  ATTR_ERROR_TYPE,
  ATTR_HW_GPU_TASK,
  ATTR_HW_ID,
  ATTR_HW_MODEL,
  ATTR_HW_NAME,
  ATTR_HW_TYPE,
  ATTR_HW_VENDOR,
  ATTR_NETWORK_IO_DIRECTION,
  ATTR_PROCESS_EXECUTABLE_NAME,
  ATTR_PROCESS_EXECUTABLE_PATH,
  ATTR_PROCESS_PID,
  G,
} from '../semconv.js';
import type { GpuSnapshot, GpuSnapshotEntry } from './gpu-state.js';

const MiB = 1024 * 1024;
const n = parseNumber;
const pct = (v: string | undefined) => {
  const x = parseNumber(v);
  return x === undefined ? undefined : x / 100;
};
const MHz = 1_000_000;
// nvidia-smi dmon reports PCIe throughput in MB/s (NVML counts KB/s, 1 KB = 1000 B).
const MB = 1_000_000;

/**
 * Clock event ("throttle") reason bits, from nvml.h `nvmlClocksEventReason*`. Names follow
 * nvidia-smi's `clocks_event_reasons.*` fields.
 */
export const THROTTLE_REASONS: readonly (readonly [number, string])[] = [
  [0x1, 'gpu_idle'],
  [0x2, 'applications_clocks_setting'],
  [0x4, 'sw_power_cap'],
  [0x8, 'hw_slowdown'],
  [0x10, 'sync_boost'],
  [0x20, 'sw_thermal_slowdown'],
  [0x40, 'hw_thermal_slowdown'],
  [0x80, 'hw_power_brake_slowdown'],
  [0x100, 'display_clock_setting'],
];

/** Times that anchor cumulative series. */
export interface SeriesStarts {
  /** Agent start (Unix ms): start of `hw.energy`, which the agent integrates itself. */
  readonly agentStartMs: number;
  /** Boot time (Unix ms): ECC volatile counters count since the driver loaded at boot. */
  readonly bootMs: number;
}

/** The identifying attributes every GPU data point carries. */
export function gpuAttributes(
  entry: GpuSnapshotEntry,
  sets: AttributeSets = new AttributeSets(),
): Attributes {
  const r = entry.reading;
  let a = sets.with(NO_ATTRIBUTES, ATTR_HW_ID, r.uuid ?? '');
  a = sets.with(a, ATTR_HW_NAME, `GPU ${r.index ?? '?'}`);
  a = sets.with(a, ATTR_HW_VENDOR, 'NVIDIA');
  a = sets.with(a, ATTR_HW_MODEL, parseText(r.name) ?? 'unknown');
  return sets.with(a, ATTR_HW_TYPE, 'gpu');
}

/**
 * Turns a GPU snapshot into metrics, in the units of the OTel hardware conventions (ratios
 * 0–1, bytes, W, J, Hz, Cel). Pure. Fields a driver does not report are left out. A caller
 * that converts every interval passes the same `sets`, so each series keeps one attributes
 * object (see {@link AttributeSets}).
 *
 * @example
 * gpuMetrics(state.snapshot(Date.now()), { agentStartMs, bootMs }, sets);
 */
export function gpuMetrics(
  snapshot: GpuSnapshot,
  starts: SeriesStarts,
  sets: AttributeSets = new AttributeSets(),
): Metric[] {
  const util: MetricPoint[] = [];
  const memUsage: MetricPoint[] = [];
  const memLimit: MetricPoint[] = [];
  const memUtil: MetricPoint[] = [];
  const temp: MetricPoint[] = [];
  const power: MetricPoint[] = [];
  const energy: MetricPoint[] = [];
  const errors: MetricPoint[] = [];
  const memCtl: MetricPoint[] = [];
  const memTemp: MetricPoint[] = [];
  const clock: MetricPoint[] = [];
  const clockMax: MetricPoint[] = [];
  const powerLimit: MetricPoint[] = [];
  const fan: MetricPoint[] = [];
  const pstate: MetricPoint[] = [];
  const throttle: MetricPoint[] = [];
  const pcieGen: MetricPoint[] = [];
  const pcieGenMax: MetricPoint[] = [];
  const pcieWidth: MetricPoint[] = [];
  const pcieWidthMax: MetricPoint[] = [];
  const pcieThroughput: MetricPoint[] = [];
  const procMem: MetricPoint[] = [];
  const attrsByUuid = new Map<string, Attributes>();

  for (const entry of snapshot.gpus) {
    const r = entry.reading;
    const base = gpuAttributes(entry, sets);
    attrsByUuid.set(r.uuid ?? '', base);
    const push = (list: MetricPoint[], value: number | undefined, key?: string, extra?: string) => {
      if (value !== undefined && Number.isFinite(value)) {
        list.push({
          attributes: key === undefined ? base : sets.with(base, key, extra ?? ''),
          value,
        });
      }
    };
    const clocks = (type: string, cur: string | undefined, max: string | undefined) => {
      const c = n(cur);
      const m = n(max);
      push(clock, c === undefined ? undefined : c * MHz, ATTR_AIOBS_GPU_CLOCK_TYPE, type);
      push(clockMax, m === undefined ? undefined : m * MHz, ATTR_AIOBS_GPU_CLOCK_TYPE, type);
    };
    push(util, pct(r.utilGpu), ATTR_HW_GPU_TASK, 'general');
    push(util, pct(r.utilEncoder), ATTR_HW_GPU_TASK, 'encoder');
    push(util, pct(r.utilDecoder), ATTR_HW_GPU_TASK, 'decoder');
    const used = n(r.memUsed);
    const total = n(r.memTotal);
    push(memUsage, used === undefined ? undefined : used * MiB);
    push(memLimit, total === undefined ? undefined : total * MiB);
    push(memUtil, used !== undefined && total ? used / total : undefined);
    push(memCtl, pct(r.utilMemory));
    push(temp, n(r.tempGpu));
    push(memTemp, n(r.tempMemory));
    push(power, n(r.powerDraw));
    push(energy, entry.energyJ);
    push(errors, n(r.eccCorrected), ATTR_ERROR_TYPE, 'corrected');
    push(errors, n(r.eccUncorrected), ATTR_ERROR_TYPE, 'uncorrected');
    clocks('graphics', r.clockGraphics, r.clockMaxGraphics);
    clocks('sm', r.clockSm, r.clockMaxSm);
    clocks('memory', r.clockMemory, r.clockMaxMemory);
    clocks('video', r.clockVideo, undefined);
    push(powerLimit, n(r.powerLimit));
    push(fan, pct(r.fan));
    push(pstate, parsePstate(r.pstate));
    const active = n(r.throttleActive);
    if (active !== undefined) {
      const supported = n(r.throttleSupported) ?? 0x1ff;
      for (let i = 0; i < THROTTLE_REASONS.length; i++) {
        const [bit, reason] = THROTTLE_REASONS[i] as readonly [number, string];
        if ((supported & bit) === 0) continue;
        push(throttle, (active & bit) !== 0 ? 1 : 0, ATTR_AIOBS_GPU_THROTTLE_REASON, reason);
      }
    }
    push(pcieGen, n(r.pcieGen));
    push(pcieGenMax, n(r.pcieGenMax));
    push(pcieWidth, n(r.pcieWidth));
    push(pcieWidthMax, n(r.pcieWidthMax));
    if (entry.pcie) {
      const { rxMBps, txMBps } = entry.pcie;
      push(
        pcieThroughput,
        rxMBps === undefined ? undefined : rxMBps * MB,
        ATTR_NETWORK_IO_DIRECTION,
        'receive',
      );
      push(
        pcieThroughput,
        txMBps === undefined ? undefined : txMBps * MB,
        ATTR_NETWORK_IO_DIRECTION,
        'transmit',
      );
    }
  }

  for (const app of snapshot.apps) {
    const base = attrsByUuid.get(app.gpuUuid);
    if (!base || app.usedMiB === undefined) continue;
    const path = app.processName;
    const name = path.includes('/') ? (path.split('/').pop() ?? path) : path;
    const attrs: Record<string, string | number> = {
      ...base,
      [ATTR_PROCESS_PID]: app.pid,
      [ATTR_PROCESS_EXECUTABLE_NAME]: name,
    };
    if (path.startsWith('/')) attrs[ATTR_PROCESS_EXECUTABLE_PATH] = path;
    procMem.push({ attributes: attrs, value: app.usedMiB * MiB });
  }

  return nonEmpty([
    gauge(G.utilization, '1', util),
    sum(G.memoryUsage, 'By', false, starts.bootMs, memUsage),
    sum(G.memoryLimit, 'By', false, starts.bootMs, memLimit),
    gauge(G.memoryUtilization, '1', memUtil),
    gauge(G.temperature, 'Cel', temp),
    gauge(G.power, 'W', power),
    sum(G.energy, 'J', true, starts.agentStartMs, energy),
    sum(G.errors, '{error}', true, starts.bootMs, errors),
    gauge(G.memoryControllerUtilization, '1', memCtl),
    gauge(G.memoryTemperature, 'Cel', memTemp),
    gauge(G.clock, 'Hz', clock),
    gauge(G.clockMax, 'Hz', clockMax),
    gauge(G.powerLimit, 'W', powerLimit),
    gauge(G.fanSpeed, '1', fan),
    gauge(G.performanceState, '1', pstate),
    gauge(G.throttleActive, '1', throttle),
    gauge(G.pcieLinkGeneration, '1', pcieGen),
    gauge(G.pcieLinkGenerationMax, '1', pcieGenMax),
    gauge(G.pcieLinkWidth, '{lane}', pcieWidth),
    gauge(G.pcieLinkWidthMax, '{lane}', pcieWidthMax),
    gauge(G.pcieThroughput, 'By/s', pcieThroughput),
    gauge(G.processMemoryUsage, 'By', procMem),
  ]);
}
