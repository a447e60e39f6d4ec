import { describe, expect, test } from 'vitest';
import { gpuLines, meanOverGpus, pearson } from './gpu-join.js';
import type { GpuBucketRow } from './gpu-repo.js';

const row = (over: Partial<GpuBucketRow>): GpuBucketRow => ({
  bucketMs: 0,
  host: 'h',
  gpu: 'GPU-0',
  gpuName: 'GPU 0',
  metric: 'hw.temperature',
  detail: '{}',
  sum: 0,
  count: 1,
  ...over,
});

describe('gpu join', () => {
  test('values are sample means; utilization of the general task only', () => {
    const [line] = gpuLines([
      row({
        metric: 'hw.gpu.utilization',
        detail: '{"hw.gpu.task":"general"}',
        sum: 1.5,
        count: 2,
      }),
      row({ metric: 'hw.gpu.utilization', detail: '{"hw.gpu.task":"decoder"}', sum: 2, count: 2 }),
      row({ metric: 'hw.temperature', sum: 140, count: 2 }),
      row({ metric: 'hw.power', sum: 600, count: 2, bucketMs: 60_000 }),
      row({ metric: 'system.cpu.utilization', sum: 1, count: 1 }),
    ]);
    expect(line!.byBucket.get(0)).toEqual({
      gpuUtilization: 0.75,
      gpuMemoryUtilization: null,
      gpuMemoryUsageBytes: null,
      gpuPowerW: null,
      gpuTemperatureC: 70,
      gpuThrottled: null,
    });
    expect(line!.byBucket.get(60_000)?.gpuPowerW).toBe(300);
  });

  test('throttling is the share of the most frequent reason', () => {
    const [line] = gpuLines([
      row({ metric: 'aiobs.gpu.throttle.active', detail: '{"r":"a"}', sum: 1, count: 4 }),
      row({ metric: 'aiobs.gpu.throttle.active', detail: '{"r":"b"}', sum: 3, count: 4 }),
    ]);
    expect(line!.byBucket.get(0)?.gpuThrottled).toBe(0.75);
  });

  test('mean over the GPUs that reported, lines sorted by host and GPU', () => {
    const lines = gpuLines([
      row({ host: 'b', metric: 'hw.temperature', sum: 80, count: 1 }),
      row({ host: 'a', metric: 'hw.temperature', sum: 60, count: 1 }),
      row({ host: 'a', metric: 'hw.power', sum: 100, count: 1 }),
    ]);
    expect(lines.map((l) => l.host)).toEqual(['a', 'b']);
    const m = meanOverGpus(lines, 0);
    expect(m.gpuTemperatureC).toBe(70);
    expect(m.gpuPowerW).toBe(100);
    expect(m.gpuUtilization).toBeNull();
  });

  test('pearson over pairs where both exist', () => {
    expect(pearson([1, 2, 3, null, 4], [2, 4, 6, 100, 8])).toBeCloseTo(1, 12);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 12);
    // numpy.corrcoef([1, 2, 3, 4], [1, 3, 2, 5])[0, 1]
    expect(pearson([1, 2, 3, 4], [1, 3, 2, 5])).toBeCloseTo(0.8315218406202999, 12);
    expect(pearson([1, 2], [1, 2])).toBeNull();
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNull();
    // A mean of constant GPUs that differs only by rounding is flat, not "correlation 0.00".
    const mean = (a: number, b: number) => (a + b) / 2;
    expect(
      pearson([mean(0.1, 0.2), mean(0.2, 0.1), 0.15000000000000002, 0.15], [1, 2, 3, 4]),
    ).toBeNull();
    // Small but real variation still counts.
    expect(pearson([0.001, 0.002, 0.003], [1, 2, 3])).toBeCloseTo(1, 12);
  });
});
