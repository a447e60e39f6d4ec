// End to end: the aiobs-agent process, with the fake 8-GPU nvidia-smi, exports to a real
// collector process; values are read back through the collector's API, exactly, per GPU.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AgentProcess, startAgent } from '@aiobs/agent/dist/test-support/agent-process.js';
import { fakeGpuEnv, readScenario } from '@aiobs/agent/dist/test-support/fake-gpu.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningCollector, startCollector } from './helpers/collector.js';

const MiB = 1024 * 1024;
const HOST = `e2e-gpu-${process.pid}`;
const scenario = readScenario('h200x8');

interface ApiMetric {
  name: string;
  unit: string;
  attributes: Record<string, string>;
  value: number;
  time: string;
}

let collector: RunningCollector;
let agent: AgentProcess;
let stateDir: string;
let summary: Record<string, unknown>;

/** Runs read-only SQL through the collector's admin API. */
async function sql<T>(query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const r = await collector.api<{ rows: T[] }>('/api/v1/query', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sql: query, params }),
  });
  return r.rows;
}

describe('agent → collector, 8 GPUs', () => {
  beforeAll(async () => {
    collector = await startCollector();
    stateDir = mkdtempSync(join(tmpdir(), 'aiobs-agent-e2e-'));
    agent = startAgent(
      [
        'run',
        '--collector',
        collector.url,
        '--api-key',
        collector.apiKey,
        '--interval',
        '500ms',
        '--host-name',
        HOST,
        '--state-dir',
        stateDir,
      ],
      fakeGpuEnv('h200x8', { AIOBS_LOG_LEVEL: 'debug' }),
    );
    await agent.waitForLog((l) => l.msg === 'GPU collection started', 60_000);
    const before = agent.logs.filter((l) => l.msg === 'export ok').length;
    await agent.waitForLog((l) => l.msg === 'export ok', 60_000, before + 3);
    expect(await agent.stop()).toBe(0);
    summary = agent.logs.find((l) => l.msg === 'stopped')!;
  }, 180_000);

  afterAll(async () => {
    await agent?.stop();
    await collector?.stop();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  it('the collector accepted every collection', () => {
    expect(summary).toMatchObject({ dropped: 0, pending: 0 });
    expect(summary.sent).toBe(summary.collections);
  });

  it('stores exact GPU gauge values per GPU (otel_metrics_gauge)', async () => {
    const rows = await sql<{
      MetricName: string;
      id: string;
      task: string;
      Value: number;
      unit: string;
    }>(
      `SELECT MetricName, Attributes['hw.id'] AS id, Attributes['hw.gpu.task'] AS task, MetricUnit AS unit,
              argMax(Value, TimeUnix) AS Value
       FROM otel_metrics_gauge
       WHERE ResourceAttributes['host.name'] = {host:String} AND MetricName LIKE 'hw.%'
       GROUP BY MetricName, id, task, unit`,
      { host: HOST },
    );
    const v = (name: string, id: string, task = '') =>
      rows.find((r) => r.MetricName === name && r.id === id && r.task === task);
    for (const g of scenario.gpus) {
      expect(v('hw.gpu.utilization', g.uuid!, 'general')).toMatchObject({
        Value: Number(g['utilization.gpu']) / 100,
        unit: '1',
      });
      expect(v('hw.gpu.utilization', g.uuid!, 'decoder')?.Value).toBe(
        Number(g['utilization.decoder']) / 100,
      );
      expect(v('hw.temperature', g.uuid!)).toMatchObject({
        Value: Number(g['temperature.gpu']),
        unit: 'Cel',
      });
      expect(v('hw.power', g.uuid!)).toMatchObject({ Value: Number(g['power.draw']), unit: 'W' });
      expect(v('hw.gpu.memory.utilization', g.uuid!)?.Value).toBeCloseTo(
        Number(g['memory.used']) / 143771,
        12,
      );
    }
    expect(new Set(rows.map((r) => r.id)).size).toBe(8);
  });

  it('stores GPU memory and counters as sums (otel_metrics_sum), exact per GPU', async () => {
    const rows = await sql<{
      MetricName: string;
      id: string;
      etype: string;
      Value: number;
      IsMonotonic: boolean | number;
    }>(
      `SELECT MetricName, Attributes['hw.id'] AS id, Attributes['error.type'] AS etype, IsMonotonic,
              argMax(Value, TimeUnix) AS Value
       FROM otel_metrics_sum
       WHERE ResourceAttributes['host.name'] = {host:String} AND MetricName LIKE 'hw.%'
       GROUP BY MetricName, id, etype, IsMonotonic`,
      { host: HOST },
    );
    const v = (name: string, id: string, etype = '') =>
      rows.find((r) => r.MetricName === name && r.id === id && r.etype === etype);
    for (const g of scenario.gpus) {
      expect(v('hw.gpu.memory.usage', g.uuid!)?.Value).toBe(Number(g['memory.used']) * MiB);
      expect(v('hw.gpu.memory.limit', g.uuid!)?.Value).toBe(143771 * MiB);
      expect(v('hw.errors', g.uuid!, 'corrected')?.Value).toBe(
        Number(g['ecc.errors.corrected.volatile.total']),
      );
      expect(v('hw.errors', g.uuid!, 'uncorrected')?.Value).toBe(
        Number(g['ecc.errors.uncorrected.volatile.total']),
      );
      const energy = v('hw.energy', g.uuid!)!;
      expect(Boolean(energy.IsMonotonic)).toBe(true);
      expect(energy.Value).toBeGreaterThan(0);
    }
  });

  it('stores every GPU point with hw.* identity and the resource attributes', async () => {
    const rows = await sql<{
      n: number;
      times: number;
      names: string[];
      vendors: string[];
      models: string[];
      types: string[];
      services: string[];
    }>(
      `SELECT count() AS n, count(DISTINCT TimeUnix) AS times, groupUniqArray(Attributes['hw.name']) AS names, groupUniqArray(Attributes['hw.vendor']) AS vendors,
              groupUniqArray(Attributes['hw.model']) AS models, groupUniqArray(Attributes['hw.type']) AS types,
              groupUniqArray(ServiceName) AS services
       FROM otel_metrics_gauge WHERE ResourceAttributes['host.name'] = {host:String} AND MetricName = 'hw.power'`,
      { host: HOST },
    );
    const r = rows[0]!;
    // Eight points, one per GPU, in every collection that had GPU data.
    expect(Number(r.times)).toBeGreaterThanOrEqual(2);
    expect(Number(r.n)).toBe(8 * Number(r.times));
    expect(r.names.sort()).toEqual(scenario.gpus.map((g) => `GPU ${g.index}`).sort());
    expect(r).toMatchObject({
      vendors: ['NVIDIA'],
      models: ['NVIDIA H200'],
      types: ['gpu'],
      services: ['aiobs-agent'],
    });
  });

  it('stores host metrics with OTel system names', async () => {
    const rows = await sql<{ MetricName: string }>(
      `SELECT DISTINCT MetricName FROM (
         SELECT MetricName FROM otel_metrics_gauge WHERE ResourceAttributes['host.name'] = {host:String}
         UNION ALL
         SELECT MetricName FROM otel_metrics_sum WHERE ResourceAttributes['host.name'] = {host:String})`,
      { host: HOST },
    );
    const names = rows.map((r) => r.MetricName);
    for (const n of [
      'system.cpu.utilization',
      'system.cpu.load_average.1m',
      'system.memory.usage',
      'system.memory.utilization',
      'system.paging.usage',
      'system.filesystem.usage',
      'system.network.io',
      'system.process.count',
      'system.uptime',
    ]) {
      expect(names).toContain(n);
    }
  });

  it('GET /api/v1/gpus returns the latest sample per GPU with exact values', async () => {
    const body = await collector.api<{
      gpus: {
        hostName: string;
        id: string;
        name: string;
        vendor: string;
        model: string;
        metrics: ApiMetric[];
      }[];
    }>('/api/v1/gpus');
    const mine = body.gpus.filter((g) => g.hostName === HOST);
    expect(mine).toHaveLength(8);
    for (const g of scenario.gpus) {
      const got = mine.find((x) => x.id === g.uuid)!;
      expect(got).toMatchObject({ name: `GPU ${g.index}`, vendor: 'NVIDIA', model: 'NVIDIA H200' });
      const m = (name: string, attrs: Record<string, string> = {}) =>
        got.metrics.find(
          (x) => x.name === name && Object.entries(attrs).every(([k, v]) => x.attributes[k] === v),
        );
      expect(m('hw.gpu.utilization', { 'hw.gpu.task': 'general' })?.value).toBe(
        Number(g['utilization.gpu']) / 100,
      );
      expect(m('hw.temperature')?.value).toBe(Number(g['temperature.gpu']));
      expect(m('hw.power')?.value).toBe(Number(g['power.draw']));
      expect(m('hw.gpu.memory.usage')?.value).toBe(Number(g['memory.used']) * MiB);
      expect(m('hw.gpu.memory.limit')?.value).toBe(143771 * MiB);
    }
  });

  it('GET /api/v1/hosts lists the host with its latest host metrics', async () => {
    const body = await collector.api<{
      hosts: { hostName: string; lastSeen: string; metrics: ApiMetric[] }[];
    }>('/api/v1/hosts');
    const host = body.hosts.find((h) => h.hostName === HOST)!;
    expect(Date.parse(host.lastSeen)).toBeGreaterThan(Date.now() - 5 * 60_000);
    const names = host.metrics.map((m) => m.name);
    expect(names).toContain('system.cpu.utilization');
    expect(names).toContain('system.memory.usage');
    expect(
      host.metrics.find(
        (m) => m.name === 'system.cpu.utilization' && Object.keys(m.attributes).length === 0,
      ),
    ).toBeDefined();
  });

  it('GET /api/v1/gpus/series returns one series per GPU with the exact values', async () => {
    const from = new Date(Date.now() - 10 * 60_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const body = await collector.api<{
      metric: string;
      stepMs: number;
      series: {
        hostName: string;
        gpuId: string;
        attributes: Record<string, string>;
        points: { time: string; value: number }[];
      }[];
    }>(
      `/api/v1/gpus/series?metric=hw.gpu.utilization&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&step=10s&host=${HOST}&agg=avg`,
    );
    expect(body).toMatchObject({ metric: 'hw.gpu.utilization', stepMs: 10_000 });
    const general = body.series.filter(
      (s) => s.hostName === HOST && s.attributes['hw.gpu.task'] === 'general',
    );
    expect(general).toHaveLength(8);
    for (const g of scenario.gpus) {
      const s = general.find((x) => x.gpuId === g.uuid)!;
      expect(s.points.length).toBeGreaterThan(0);
      for (const p of s.points) expect(p.value).toBeCloseTo(Number(g['utilization.gpu']) / 100, 12);
    }
  });
});
