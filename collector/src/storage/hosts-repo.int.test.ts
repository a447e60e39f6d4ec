import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { HostSummary } from '../api/types.js';
import { loadConfig } from '../config.js';
import { toHosts } from '../query/host-shape.js';
import { createDb } from './db.js';
import { type Engine, openEngine } from './engine.js';
import { createHostsRepo, type HostsRepo } from './hosts-repo.js';
import { migrate } from './migrate.js';

// `GET /api/v1/hosts` from known agent points: each host's `system.*` latest values, its last
// report and its GPU count, computed here from what was written, must be what the repository's
// rows give (they group GPU metrics per GPU id only).

const log = pino({ level: 'silent' });
const MIN = 60_000;
const T0 = Math.floor((Date.now() - 2 * 3_600_000) / MIN) * MIN;
let dir: string;
let engine: Engine;
let repo: HostsRepo;

interface Point {
  table: 'otel_metrics_gauge' | 'otel_metrics_sum';
  host: string;
  metric: string;
  unit: string;
  ms: number;
  value: number;
  attrs: Record<string, string>;
}
const points: Point[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aiobs-hosts-int-'));
  engine = await openEngine(loadConfig({ dataDir: dir }, {}));
  await migrate(engine, { retentionDays: 30, fsync: false }, log);
  for (let ms = T0 + 4000; ms < T0 + 30 * MIN; ms += 10_000) {
    const v = Math.floor(ms / 10_000) % 8;
    for (const host of ['gpu-a', 'gpu-b', 'cpu-only']) {
      if (host === 'cpu-only' && ms >= T0 + 5 * MIN) continue; // stopped reporting
      for (const mode of ['user', 'idle'])
        points.push({
          table: 'otel_metrics_gauge',
          host,
          metric: 'system.cpu.utilization',
          unit: '1',
          ms,
          value: v / 8,
          attrs: { 'cpu.mode': mode },
        });
    }
    points.push({
      table: 'otel_metrics_sum',
      host: 'gpu-a',
      metric: 'system.memory.usage',
      unit: 'By',
      ms: ms + 1,
      value: 1024 * v,
      attrs: { 'system.memory.state': 'used' },
    });
    // GPUs: two on gpu-a, one on gpu-b that stopped after 3 minutes, one that reports later
    // than every host metric (the host's last report), and a GPU metric without an id.
    for (const [host, gpu, until] of [
      ['gpu-a', 'GPU-1', 30],
      ['gpu-a', 'GPU-2', 30],
      ['gpu-b', 'GPU-3', 3],
    ] as const)
      if (ms < T0 + until * MIN)
        for (const [metric, table] of [
          ['hw.gpu.utilization', 'otel_metrics_gauge'],
          ['hw.gpu.memory.usage', 'otel_metrics_sum'],
          ['aiobs.gpu.clock.sm', 'otel_metrics_gauge'],
        ] as const)
          points.push({
            table,
            host,
            metric,
            unit: '1',
            ms: ms + 2500,
            value: v,
            attrs: { 'hw.id': gpu, 'hw.name': 'NVIDIA H100', 'hw.gpu.task': 'general' },
          });
    points.push({
      table: 'otel_metrics_gauge',
      host: 'gpu-b',
      metric: 'aiobs.gpu.driver.up',
      unit: '1',
      ms: ms + 7000,
      value: 1,
      attrs: {},
    });
  }
  for (const table of ['otel_metrics_gauge', 'otel_metrics_sum'] as const) {
    const rows = points
      .filter((p) => p.table === table)
      .map((p) => ({
        ProjectId: 'default',
        ServiceName: 'aiobs-agent',
        ResourceAttributes: { 'host.name': p.host },
        MetricName: p.metric,
        MetricUnit: p.unit,
        Attributes: p.attrs,
        TimeUnix: new Date(p.ms).toISOString(),
        Value: p.value,
      }));
    for (let i = 0; i < rows.length; i += 2000)
      await engine.client.insert({
        table,
        values: rows.slice(i, i + 2000),
        format: 'JSONEachRow',
        clickhouse_settings: { date_time_input_format: 'best_effort' },
      });
  }
  repo = createHostsRepo(createDb(engine));
});

afterAll(async () => {
  await engine?.close();
  rmSync(dir, { recursive: true, force: true });
});

const iso = (ms: number) => `${new Date(ms).toISOString().slice(0, -1)}000000Z`;

/** The hosts of `[fromMs, toMs]`, computed from the points written. */
function expectedHosts(fromMs: number, toMs: number): HostSummary[] {
  const inRange = points.filter((p) => p.ms >= fromMs && p.ms <= toMs);
  const hosts = [...new Set(inRange.map((p) => p.host))].sort();
  return hosts.map((host) => {
    const own = inRange.filter((p) => p.host === host);
    const series = new Map<string, Point>();
    for (const p of own.filter((x) => x.metric.startsWith('system.'))) {
      const key = JSON.stringify([p.metric, p.attrs]);
      const seen = series.get(key);
      if (!seen || p.ms > seen.ms) series.set(key, p);
    }
    return {
      hostName: host,
      lastSeen: iso(Math.max(...own.map((p) => p.ms))),
      gpuCount: new Set(own.map((p) => p.attrs['hw.id']).filter(Boolean)).size,
      metrics: [...series.values()].map((p) => ({
        name: p.metric,
        unit: p.unit,
        attributes: p.attrs,
        value: p.value,
        time: iso(p.ms),
      })),
    };
  });
}

/** Metrics in a stable order (the engine orders them by name only). */
function stable(hosts: HostSummary[]): HostSummary[] {
  return hosts.map((h) => ({
    ...h,
    metrics: [...h.metrics].sort((a, b) =>
      JSON.stringify([a.name, a.attributes]).localeCompare(JSON.stringify([b.name, b.attributes])),
    ),
  }));
}

describe('hosts from agent points', () => {
  test('latest system values, last report and GPU count per host, for any range', async () => {
    for (const [from, to] of [
      [T0, T0 + 30 * MIN],
      [T0 + 17_500, T0 + 20 * MIN + 42_123],
      [T0 + MIN, T0 + 4 * MIN],
      [T0 + 10 * MIN, T0 + 40 * MIN],
    ] as const) {
      const got = toHosts(await repo.latestHostMetrics('default', { fromMs: from, toMs: to }));
      const want = expectedHosts(from, to);
      expect(want.length).toBeGreaterThan(1);
      expect(stable(got), `${from - T0}..${to - T0}`).toEqual(stable(want));
    }
  });
});
