import { describe, expect, test } from 'vitest';
import { formatExposition } from './exposition.js';
import { type InferenceTotals, inferenceFamilies, secondsBuckets } from './families.js';

const key = {
  service: 'chat',
  model: 'acme/gpt-x',
  version: 'v2',
  variant: 'canary',
  provider: 'acme',
  operation: 'chat',
};
const row: InferenceTotals = {
  ...key,
  requests: 10,
  errors: 2,
  streams: 4,
  inputTokens: 1000,
  outputTokens: 250,
  costUsd: 0.125,
  durationMsSum: 4321,
  latencyLe: [0, 1, 3, 3, 5, 7, 8, 9, 9, 10, 10, 10, 10, 10],
  ttftLe: [1, 2, 2, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4],
};

describe('inference families', () => {
  const text = formatExposition(
    inferenceFamilies(
      [row],
      [{ host: 'h1', gpu: 'GPU-1', gpuName: 'H100', task: 'general', value: 0.75 }],
      { project: 'p1', createdSec: 1_700_000_000 },
    ),
    'prometheus',
  );
  const labels =
    'project="p1",service="chat",model="acme/gpt-x",version="v2",variant="canary",provider="acme",operation="chat"';

  test('counters carry the rollup key and project', () => {
    expect(text).toContain(`aiobs_inference_requests_total{${labels}} 10\n`);
    expect(text).toContain(`aiobs_inference_errors_total{${labels}} 2\n`);
    expect(text).toContain(`aiobs_inference_tokens_total{${labels},type="input"} 1000\n`);
    expect(text).toContain(`aiobs_inference_tokens_total{${labels},type="output"} 250\n`);
    expect(text).toContain(`aiobs_inference_cost_usd_total{${labels}} 0.125\n`);
  });

  test('latency buckets in seconds from the ms bounds, +Inf = requests, _sum in seconds', () => {
    expect(text).toContain(`aiobs_inference_duration_seconds_bucket{${labels},le="0.01"} 0\n`);
    expect(text).toContain(`aiobs_inference_duration_seconds_bucket{${labels},le="0.04"} 3\n`);
    expect(text).toContain(`aiobs_inference_duration_seconds_bucket{${labels},le="81.92"} 10\n`);
    expect(text).toContain(`aiobs_inference_duration_seconds_bucket{${labels},le="+Inf"} 10\n`);
    expect(text).toContain(`aiobs_inference_duration_seconds_sum{${labels}} 4.321\n`);
    expect(text).toContain(`aiobs_inference_duration_seconds_count{${labels}} 10\n`);
    expect(text.match(/aiobs_inference_duration_seconds_bucket/g)).toHaveLength(15);
  });

  test('TTFT: streams only, no _sum', () => {
    expect(text).toContain(
      `aiobs_inference_time_to_first_chunk_seconds_bucket{${labels},le="+Inf"} 4\n`,
    );
    expect(text).toContain(`aiobs_inference_time_to_first_chunk_seconds_count{${labels}} 4\n`);
    expect(text).not.toContain('aiobs_inference_time_to_first_chunk_seconds_sum');
  });

  test('GPU gauge per host, GPU and task', () => {
    expect(text).toContain(
      'aiobs_gpu_utilization_ratio{project="p1",host="h1",gpu="GPU-1",gpu_name="H100",task="general"} 0.75\n',
    );
  });

  test('a key without streams has no TTFT series', () => {
    const t = formatExposition(
      inferenceFamilies([{ ...row, streams: 0, ttftLe: [] }], [], { project: 'p', createdSec: 0 }),
      'prometheus',
    );
    expect(t).not.toContain('aiobs_inference_time_to_first_chunk_seconds_bucket');
    expect(t).toContain('# TYPE aiobs_inference_time_to_first_chunk_seconds histogram');
  });
});

describe('secondsBuckets', () => {
  test('zeros for a missing array; never decreasing and never above the count', () => {
    expect(secondsBuckets([], 3).every(([, n]) => n === 0)).toBe(true);
    const b = secondsBuckets([2, 1, 5, 9], 4).map(([, n]) => n);
    expect(b.slice(0, 4)).toEqual([2, 2, 4, 4]);
    expect(secondsBuckets([], 0)[0]).toEqual([0.01, 0]);
  });
});
