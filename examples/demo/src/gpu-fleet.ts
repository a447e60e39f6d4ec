import { normal } from './rng.js';

/**
 * The demo's simulated GPU fleet: two nodes with two H100s each, running replicas of the
 * support model's two deployments (v1 on GPU 0, v2 on GPU 1; node 1's GPU 1 also serves the
 * embedding model). Readings follow the demo's request rate; nothing here reads a real GPU.
 */

/** The `host.name` the demo's inference service reports: it runs on the first node. */
export const DEMO_SERVICE_HOST = 'demo-gpu-node-1';

/** One simulated GPU. */
export interface GpuSpec {
  index: number;
  /** `hw.id`: a UUID-shaped id, as nvidia-smi prints them (`GPU-…`). */
  uuid: string;
  model: string;
  memoryTotalMiB: number;
  powerLimitW: number;
  /** Share of the demo's requests whose work lands on this GPU. */
  share: number;
  /** Memory the model server pre-allocates (weights + KV cache), MiB. */
  reservedMiB: number;
  /** Extra °C over its neighbours (node 2's GPU 1 sits in the hot aisle and throttles). */
  heatC: number;
  /** The model server process holding the GPU. */
  process: { pid: number; path: string };
}

/** One simulated node. */
export interface NodeSpec {
  hostName: string;
  cpuCount: number;
  memoryTotalBytes: number;
  gpus: GpuSpec[];
}

const H100 = 'NVIDIA H100 80GB HBM3';
const H100_MIB = 81_559;
const GiB = 1024 ** 3;

const gpu = (
  node: number,
  index: number,
  share: number,
  reservedMiB: number,
  heatC: number,
  pid: number,
): GpuSpec => ({
  index,
  uuid: `GPU-de300000-000${node}-4a0${index}-9d3e-0000000000${node}${index}`,
  model: H100,
  memoryTotalMiB: H100_MIB,
  powerLimitW: 700,
  share,
  reservedMiB,
  heatC,
  process: { pid, path: '/usr/bin/python3' },
});

/** The two nodes, two GPUs each. v2 writes longer answers, so its GPUs carry more. */
export const DEMO_FLEET: readonly NodeSpec[] = [
  {
    hostName: DEMO_SERVICE_HOST,
    cpuCount: 192,
    memoryTotalBytes: 1024 * GiB,
    gpus: [gpu(1, 0, 0.22, 73_400, 0, 41_207), gpu(1, 1, 0.3, 75_200, 2, 41_388)],
  },
  {
    hostName: 'demo-gpu-node-2',
    cpuCount: 192,
    memoryTotalBytes: 1024 * GiB,
    gpus: [gpu(2, 0, 0.22, 73_400, 1, 39_112), gpu(2, 1, 0.28, 73_400, 14, 39_260)],
  },
];

/** Throttle reasons the simulation sets (names as the agent reports them). */
export type ThrottleReason = 'gpu_idle' | 'sw_power_cap' | 'sw_thermal_slowdown';

/** One GPU's sample. */
export interface GpuReading {
  spec: GpuSpec;
  /** 0–1. */
  utilization: number;
  memoryUsedBytes: number;
  temperatureC: number;
  powerW: number;
  /** Energy since the simulation started, J. */
  energyJ: number;
  throttle: ReadonlySet<ThrottleReason>;
}

/** One node's sample. */
export interface NodeReading {
  node: NodeSpec;
  timeMs: number;
  cpuUtilization: number;
  memoryUsedBytes: number;
  gpus: GpuReading[];
}

/** What carries over from one sample to the next (temperatures lag, energy adds up). */
export interface FleetState {
  startMs: number;
  lastMs: number | undefined;
  temperature: Map<string, number>;
  energy: Map<string, number>;
}

/** A fresh state; cumulative series (energy) start at `startMs`. */
export function createFleetState(startMs: number): FleetState {
  return { startMs, lastMs: undefined, temperature: new Map(), energy: new Map() };
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
const IDLE = 0.04;
/** Requests per second on one GPU at which it is about 63% busy. */
const CAPACITY_RPS = 1.4;
/** Thermal time constant of a loaded GPU, s. */
const THERMAL_TAU_S = 90;

/**
 * Samples the fleet at `atMs` given the demo's request rate: each GPU's utilization saturates
 * with its share of the requests, power and (lagging) temperature follow utilization, memory
 * stays near what the model server reserved (vLLM pre-allocates its KV cache). Pure apart from
 * `state` and the noise.
 */
export function sampleFleet(
  state: FleetState,
  atMs: number,
  requestsPerSecond: number,
): NodeReading[] {
  const dtS = state.lastMs === undefined ? 0 : Math.max(0, (atMs - state.lastMs) / 1000);
  state.lastMs = atMs;
  return DEMO_FLEET.map((node) => {
    const gpus = node.gpus.map((g) => {
      const x = g.share * Math.max(0, requestsPerSecond);
      const utilization = clamp(
        IDLE + (0.97 - IDLE) * (1 - Math.exp(-x / CAPACITY_RPS)) + normal(0, 0.025),
        0,
        1,
      );
      const powerW = clamp(
        68 + (g.powerLimitW - 88) * utilization ** 1.1 + normal(0, 6),
        50,
        g.powerLimitW,
      );
      const target = 31 + 44 * utilization + g.heatC;
      const before = state.temperature.get(g.uuid);
      const temperatureC =
        before === undefined
          ? target
          : before + (target - before) * (1 - Math.exp(-dtS / THERMAL_TAU_S));
      state.temperature.set(g.uuid, temperatureC);
      const energyJ = (state.energy.get(g.uuid) ?? 0) + powerW * dtS;
      state.energy.set(g.uuid, energyJ);
      const throttle = new Set<ThrottleReason>();
      if (utilization < 0.03) throttle.add('gpu_idle');
      if (powerW >= g.powerLimitW * 0.97) throttle.add('sw_power_cap');
      if (temperatureC >= 83) throttle.add('sw_thermal_slowdown');
      const memMiB = g.reservedMiB + 600 * utilization + normal(0, 40);
      return {
        spec: g,
        utilization,
        memoryUsedBytes: Math.round(clamp(memMiB, 0, g.memoryTotalMiB) * 1024 * 1024),
        temperatureC: Math.round(temperatureC),
        powerW: Math.round(powerW * 100) / 100,
        energyJ,
        throttle,
      };
    });
    const busy = gpus.reduce((a, g) => a + g.utilization, 0) / gpus.length;
    return {
      node,
      timeMs: atMs,
      cpuUtilization: clamp(0.05 + 0.3 * busy + normal(0, 0.015), 0, 1),
      memoryUsedBytes: Math.round((148 + 24 * busy) * GiB),
      gpus,
    };
  });
}
