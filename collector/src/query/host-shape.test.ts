import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { GpuSeriesRow, LatestRow } from '../storage/hosts-repo.js';
import { laterNanos, toGpuSeries, toGpus, toHosts } from './host-shape.js';

/** A latest-value row with defaults for what a case does not care about. */
function latest(r: Partial<LatestRow>): LatestRow {
  return {
    host: 'h1',
    gpu: '',
    gpu_name: '',
    gpu_vendor: '',
    gpu_model: '',
    name: 'system.cpu.utilization',
    unit: '1',
    attrs: {},
    value: 0,
    time_ns: '1700000000000000000',
    ...r,
  };
}

describe('laterNanos', () => {
  test('compares decimal nanosecond strings by value, across lengths', () => {
    expect(laterNanos('0', '1700000000000000000')).toBe('1700000000000000000');
    expect(laterNanos('999999999', '1000000000')).toBe('1000000000');
    expect(laterNanos('1700000000000000002', '1700000000000000001')).toBe('1700000000000000002');
  });

  test('property: agrees with BigInt comparison', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }),
        fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }),
        (a, b) => {
          // biome-ignore lint/complexity/useMathMinMax: Math.max takes no bigints
          expect(laterNanos(String(a), String(b))).toBe(String(a > b ? a : b));
        },
      ),
    );
  });
});

describe('hosts', () => {
  test('one host per name: newest time, distinct GPUs counted, only system.* metrics listed', () => {
    const rows = [
      latest({
        host: 'h1',
        name: 'system.cpu.utilization',
        value: 0.5,
        time_ns: '1700000000000000000',
      }),
      latest({
        host: 'h1',
        gpu: '0',
        name: 'hw.gpu.utilization',
        attrs: { 'hw.id': 'GPU-0' },
        time_ns: '1700000010000000000',
      }),
      latest({ host: 'h1', gpu: '0', name: 'hw.gpu.memory.usage', attrs: { 'hw.id': 'GPU-0' } }),
      latest({ host: 'h1', gpu: '1', name: 'hw.gpu.utilization', attrs: { 'hw.id': 'GPU-1' } }),
      latest({
        host: 'h2',
        name: 'system.memory.usage',
        unit: 'By',
        value: 1024,
        attrs: { state: 'used' },
      }),
    ];
    expect(toHosts(rows)).toEqual([
      {
        hostName: 'h1',
        lastSeen: '2023-11-14T22:13:30.000000000Z',
        gpuCount: 2,
        metrics: [
          {
            name: 'system.cpu.utilization',
            unit: '1',
            attributes: {},
            value: 0.5,
            time: '2023-11-14T22:13:20.000000000Z',
          },
        ],
      },
      {
        hostName: 'h2',
        lastSeen: '2023-11-14T22:13:20.000000000Z',
        gpuCount: 0,
        metrics: [
          {
            name: 'system.memory.usage',
            unit: 'By',
            attributes: { state: 'used' },
            value: 1024,
            time: '2023-11-14T22:13:20.000000000Z',
          },
        ],
      },
    ]);
    expect(toHosts([])).toEqual([]);
  });
});

describe('gpus', () => {
  test('one GPU per host and id; identity filled from the first row that has it', () => {
    const rows = [
      latest({ host: 'h1', gpu: 'GPU-0', name: 'hw.gpu.utilization', value: 0.9 }),
      latest({
        host: 'h1',
        gpu: 'GPU-0',
        gpu_name: 'H100',
        gpu_vendor: 'nvidia',
        gpu_model: 'H100 80GB',
        name: 'hw.gpu.memory.usage',
        value: 5,
        time_ns: '1700000005000000000',
      }),
      // Same id on another host: a different GPU.
      latest({ host: 'h2', gpu: 'GPU-0', gpu_name: 'L4', name: 'hw.gpu.utilization', value: 0.1 }),
    ];
    const gpus = toGpus(rows);
    expect(gpus.map((g) => [g.hostName, g.id, g.name, g.vendor, g.model, g.lastSeen])).toEqual([
      ['h1', 'GPU-0', 'H100', 'nvidia', 'H100 80GB', '2023-11-14T22:13:25.000000000Z'],
      ['h2', 'GPU-0', 'L4', '', '', '2023-11-14T22:13:20.000000000Z'],
    ]);
    expect(gpus[0]!.metrics.map((m) => [m.name, m.value])).toEqual([
      ['hw.gpu.utilization', 0.9],
      ['hw.gpu.memory.usage', 5],
    ]);
    expect(gpus[0]).not.toHaveProperty('lastNs');
  });

  test('series: one per (host, GPU, attribute set), points in row order', () => {
    const row = (t: number, attrs: Record<string, string>, v: number): GpuSeriesRow => ({
      t,
      host: 'h1',
      gpu: 'GPU-0',
      gpu_name: 'H100',
      attrs,
      v,
    });
    expect(
      toGpuSeries([
        row(0, { state: 'used' }, 1),
        row(0, { state: 'free' }, 2),
        row(60_000, { state: 'used' }, 3),
      ]),
    ).toEqual([
      {
        hostName: 'h1',
        gpuId: 'GPU-0',
        gpuName: 'H100',
        attributes: { state: 'used' },
        points: [
          { time: '1970-01-01T00:00:00.000Z', value: 1 },
          { time: '1970-01-01T00:01:00.000Z', value: 3 },
        ],
      },
      {
        hostName: 'h1',
        gpuId: 'GPU-0',
        gpuName: 'H100',
        attributes: { state: 'free' },
        points: [{ time: '1970-01-01T00:00:00.000Z', value: 2 }],
      },
    ]);
  });
});
