import { type Attributes, ValueType } from '@opentelemetry/api';
import { millisToHrTime } from '@opentelemetry/core';
import {
  AggregationTemporality,
  type DataPoint,
  DataPointType,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import type { GpuReading, NodeReading } from './gpu-fleet.js';

/**
 * Simulated node readings as OTLP metrics in the shape `aiobs-agent` sends (agent/src/gpu/
 * to-metrics.ts, agent/src/host/host-collector.ts): the same names, units, instruments and
 * attributes, one data point per GPU keyed by `hw.id`, so every page and alert reads them as
 * it reads a real agent's. Names copied from agent/src/semconv.ts.
 */

/** Resource attribute that marks the demo's simulated nodes. */
export const ATTR_DEMO_SIMULATED = 'aiobs.demo.simulated';

/** Clock event reasons in the agent's order (nvml.h); the agent sends 0/1 for each. */
const THROTTLE_REASONS = [
  'gpu_idle',
  'applications_clocks_setting',
  'sw_power_cap',
  'hw_slowdown',
  'sync_boost',
  'sw_thermal_slowdown',
  'hw_thermal_slowdown',
  'hw_power_brake_slowdown',
  'display_clock_setting',
] as const;

const MiB = 1024 * 1024;

/** Resource attributes of a simulated node: what the agent sets, plus the simulation mark. */
export function nodeResource(hostName: string, common: Attributes): Attributes {
  return {
    ...common,
    'service.name': 'aiobs-demo-gpu-sim',
    'host.name': hostName,
    'host.arch': 'x64',
    'os.type': 'linux',
    [ATTR_DEMO_SIMULATED]: true,
  };
}

/** The identifying attributes of a GPU's points (agent: `gpuAttributes`). */
function gpuIdentity(g: GpuReading): Attributes {
  return {
    'hw.id': g.spec.uuid,
    'hw.name': `GPU ${g.spec.index}`,
    'hw.vendor': 'NVIDIA',
    'hw.model': g.spec.model,
    'hw.type': 'gpu',
  };
}

type Point = DataPoint<number>;

function gauge(name: string, unit: string, dataPoints: Point[]): MetricData {
  return {
    descriptor: { name, unit, description: '', valueType: ValueType.DOUBLE },
    aggregationTemporality: AggregationTemporality.CUMULATIVE,
    dataPointType: DataPointType.GAUGE,
    dataPoints,
  };
}

function sum(name: string, unit: string, isMonotonic: boolean, dataPoints: Point[]): MetricData {
  return {
    descriptor: { name, unit, description: '', valueType: ValueType.DOUBLE },
    aggregationTemporality: AggregationTemporality.CUMULATIVE,
    dataPointType: DataPointType.SUM,
    isMonotonic,
    dataPoints,
  };
}

/** Where cumulative series start: the simulation (energy) and a pretend boot (memory, ECC). */
export interface SeriesStarts {
  startMs: number;
  bootMs: number;
}

/**
 * One node's sample as metrics: host CPU and memory, then per GPU utilization (per engine, as
 * nvidia-smi reports it), memory usage/limit/utilization, temperature, power, energy, ECC
 * errors, power limit, throttle reasons and the model server's process memory.
 */
export function nodeMetrics(r: NodeReading, starts: SeriesStarts): MetricData[] {
  const at = millisToHrTime(r.timeMs);
  const since = (ms: number) => millisToHrTime(Math.min(ms, r.timeMs));
  const p = (attributes: Attributes, value: number, fromMs = r.timeMs): Point => ({
    attributes,
    startTime: since(fromMs),
    endTime: at,
    value,
  });
  const boot = starts.bootMs;
  const memTotal = r.node.memoryTotalBytes;
  const cached = 310 * 1024 ** 3;
  const buffers = 2 * 1024 ** 3;
  const host: MetricData[] = [
    gauge('system.cpu.utilization', '1', [p({}, r.cpuUtilization)]),
    sum('system.cpu.logical.count', '{cpu}', false, [p({}, r.node.cpuCount, boot)]),
    sum('system.memory.usage', 'By', false, [
      p({ 'system.memory.state': 'used' }, r.memoryUsedBytes, boot),
      p({ 'system.memory.state': 'free' }, memTotal - r.memoryUsedBytes - cached - buffers, boot),
      p({ 'system.memory.state': 'cached' }, cached, boot),
      p({ 'system.memory.state': 'buffers' }, buffers, boot),
    ]),
    sum('system.memory.limit', 'By', false, [p({}, memTotal, boot)]),
    gauge('system.memory.utilization', '1', [
      p({ 'system.memory.state': 'used' }, r.memoryUsedBytes / memTotal),
    ]),
  ];
  const per = (f: (g: GpuReading, id: Attributes) => Point[]) =>
    r.gpus.flatMap((g) => f(g, gpuIdentity(g)));
  return [
    ...host,
    gauge(
      'hw.gpu.utilization',
      '1',
      per((g, id) => [
        p({ ...id, 'hw.gpu.task': 'general' }, g.utilization),
        p({ ...id, 'hw.gpu.task': 'encoder' }, 0),
        p({ ...id, 'hw.gpu.task': 'decoder' }, 0),
      ]),
    ),
    sum(
      'hw.gpu.memory.usage',
      'By',
      false,
      per((g, id) => [p(id, g.memoryUsedBytes, boot)]),
    ),
    sum(
      'hw.gpu.memory.limit',
      'By',
      false,
      per((g, id) => [p(id, g.spec.memoryTotalMiB * MiB, boot)]),
    ),
    gauge(
      'hw.gpu.memory.utilization',
      '1',
      per((g, id) => [p(id, g.memoryUsedBytes / (g.spec.memoryTotalMiB * MiB))]),
    ),
    gauge(
      'hw.temperature',
      'Cel',
      per((g, id) => [p(id, g.temperatureC)]),
    ),
    gauge(
      'hw.power',
      'W',
      per((g, id) => [p(id, g.powerW)]),
    ),
    sum(
      'hw.energy',
      'J',
      true,
      per((g, id) => [p(id, g.energyJ, starts.startMs)]),
    ),
    sum(
      'hw.errors',
      '{error}',
      true,
      per((_g, id) => [
        p({ ...id, 'error.type': 'corrected' }, 0, boot),
        p({ ...id, 'error.type': 'uncorrected' }, 0, boot),
      ]),
    ),
    gauge(
      'aiobs.gpu.power.limit',
      'W',
      per((g, id) => [p(id, g.spec.powerLimitW)]),
    ),
    gauge(
      'aiobs.gpu.throttle.active',
      '1',
      per((g, id) =>
        THROTTLE_REASONS.map((reason) =>
          p(
            { ...id, 'aiobs.gpu.throttle.reason': reason },
            (g.throttle as ReadonlySet<string>).has(reason) ? 1 : 0,
          ),
        ),
      ),
    ),
    gauge(
      'aiobs.gpu.process.memory.usage',
      'By',
      per((g, id) => [
        p(
          {
            ...id,
            'process.pid': g.spec.process.pid,
            'process.executable.name': g.spec.process.path.split('/').pop() ?? '',
            'process.executable.path': g.spec.process.path,
          },
          Math.max(0, g.memoryUsedBytes - 520 * MiB),
        ),
      ]),
    ),
  ];
}
