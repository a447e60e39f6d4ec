import type { GpuSeries, GpuSummary, ModelGpuResponse } from '@aiobs/api-types';
import { describe, expect, test } from 'vitest';
import {
  gpuLines,
  heatColor,
  heatMap,
  isThrottled,
  latestValue,
  overlayRows,
  processMemory,
  rowGradient,
} from './prepare.js';

const T = Date.parse('2026-12-02T00:00:00.000Z');
const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

function series(
  host: string,
  gpu: string,
  attributes: Record<string, string>,
  values: Array<[number, number]>,
): GpuSeries {
  return {
    hostName: host,
    gpuId: `id-${gpu}`,
    gpuName: gpu,
    attributes,
    points: values.map(([m, value]) => ({ time: iso(T + m * MIN), value })),
  };
}

describe('heat map', () => {
  test('GPU × time over every bucket of the range; gaps stay empty; engines are left out', () => {
    const h = heatMap(
      [
        series('b-host', 'GPU 0', { 'hw.gpu.task': 'general' }, [
          [0, 0.5],
          [2, 0.7],
        ]),
        series('b-host', 'GPU 0', { 'hw.gpu.task': 'decoder' }, [[0, 0.99]]),
        series('a-host', 'GPU 1', {}, [
          [1, 0.2],
          [9, 1],
        ]),
      ],
      T,
      T + 4 * MIN,
      MIN,
    );
    expect(h.times).toEqual([T, T + MIN, T + 2 * MIN, T + 3 * MIN]);
    expect(h.rows.map((r) => [r.label, r.cells])).toEqual([
      ['a-host GPU 1', [null, 0.2, null, null]],
      ['b-host GPU 0', [0.5, null, 0.7, null]],
    ]);
  });

  test('an unaligned range starts at its bucket; two whole-GPU series of one GPU average', () => {
    const h = heatMap(
      [series('h', 'G', {}, [[0, 0.2]]), series('h', 'G', { 'hw.gpu.task': '' }, [[0, 0.4]])],
      T + 30_000,
      T + 2 * MIN,
      MIN,
    );
    expect(h.times[0]).toBe(T);
    expect(h.rows[0]!.cells[0]).toBeCloseTo(0.3);
  });

  test('colours run from dark purple (0) to yellow (1), clamped; null has none', () => {
    expect(heatColor(0)).toBe('rgb(68, 1, 84)');
    expect(heatColor(1)).toBe('rgb(253, 231, 37)');
    expect(heatColor(2)).toBe(heatColor(1));
    expect(heatColor(0.5)).toBe('rgb(33, 145, 140)');
    expect(heatColor(null)).toBeUndefined();
  });

  test('rowGradient: a band per bucket, runs of one colour merged, gaps empty', () => {
    expect(rowGradient([0, 0, null], 'gray')).toBe(
      'linear-gradient(to right, rgb(68, 1, 84) 0% 66.6667%, gray 66.6667% 100%)',
    );
    expect(rowGradient([1, null, 0.5, 0.5], 'gray')).toBe(
      'linear-gradient(to right, rgb(253, 231, 37) 0% 25%, gray 25% 50%, rgb(33, 145, 140) 50% 100%)',
    );
    expect(rowGradient([], 'gray')).toBe('gray');
  });
});

test('GPU lines: one per GPU and attribute set, scaled, engine utilization left out', () => {
  const { rows, lines } = gpuLines(
    [
      series('h', 'GPU 0', { 'aiobs.gpu.throttle.reason': 'hw_slowdown' }, [[0, 1]]),
      series('h', 'GPU 0', { 'hw.gpu.task': 'encoder' }, [[0, 0.1]]),
      series('h', 'GPU 1', {}, [
        [0, 2],
        [1, 4],
      ]),
    ],
    (v) => v * 10,
  );
  expect(lines).toEqual(['h GPU 0 hw_slowdown', 'h GPU 1']);
  expect(rows).toEqual([
    { t: T, 'h GPU 0 hw_slowdown': 10, 'h GPU 1': 20 },
    { t: T + MIN, 'h GPU 1': 40 },
  ]);
});

const metric = (name: string, value: number, attributes: Record<string, string> = {}) => ({
  name,
  unit: '',
  attributes,
  value,
  time: iso(T),
});

test('latest values, throttle reasons and per-process memory from the GPUs’ latest samples', () => {
  const gpus: GpuSummary[] = [
    {
      hostName: 'h',
      id: 'G0',
      name: 'GPU 0',
      vendor: 'NVIDIA',
      model: 'H200',
      lastSeen: iso(T),
      metrics: [
        metric('hw.gpu.utilization', 0.1, { 'hw.gpu.task': 'decoder' }),
        metric('hw.gpu.utilization', 0.6, { 'hw.gpu.task': 'general' }),
        metric('aiobs.gpu.throttle.active', 1, { 'aiobs.gpu.throttle.reason': 'sw_power_cap' }),
        metric('aiobs.gpu.throttle.active', 0, { 'aiobs.gpu.throttle.reason': 'hw_slowdown' }),
        metric('aiobs.gpu.process.memory.usage', 2e9, {
          'process.pid': '7',
          'process.executable.name': 'python3',
        }),
        metric('aiobs.gpu.process.memory.usage', 5e9, {
          'process.pid': '9',
          'process.executable.name': 'vllm',
        }),
      ],
    },
  ];
  const m = gpus[0]!.metrics;
  expect(latestValue(m, 'hw.gpu.utilization')).toBe(0.6);
  expect(latestValue(m, 'hw.gpu.utilization', ['hw.gpu.task', 'decoder'])).toBe(0.1);
  expect(latestValue(m, 'hw.power')).toBeUndefined();
  expect(isThrottled(m)).toEqual(['sw_power_cap']);
  expect(processMemory(gpus)).toEqual([
    { host: 'h', gpu: 'h GPU 0', pid: '9', name: 'vllm', bytes: 5e9 },
    { host: 'h', gpu: 'h GPU 0', pid: '7', name: 'python3', bytes: 2e9 },
  ]);
});

test('the latency overlay puts latency and GPU utilization on one time axis', () => {
  const res = {
    points: [
      { time: iso(T), requests: 3, latencyP95Ms: 420, ttftP95Ms: null, gpuUtilization: 0.9 },
    ],
  } as unknown as ModelGpuResponse;
  expect(overlayRows(res)).toEqual([{ t: T, 'latency p95': 420, 'GPU utilization': 0.9 }]);
});
