// Outage: the collector process stops while the agent keeps collecting; samples go to the
// agent's disk buffer and every one of them is in the collector's storage after it restarts.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAgent } from '@aiobs/agent/dist/test-support/agent-process.js';
import { fakeGpuEnv } from '@aiobs/agent/dist/test-support/fake-gpu.js';
import { describe, expect, it } from 'vitest';
import { startCollector } from './helpers/collector.js';

describe('agent through a collector outage', () => {
  it('buffers on disk while the collector is down and delivers every sample after it restarts', async () => {
    const host = `e2e-outage-${process.pid}`;
    const stateDir = mkdtempSync(join(tmpdir(), 'aiobs-agent-outage-'));
    const dataDir = mkdtempSync(join(tmpdir(), 'aiobs-collector-outage-'));
    let collector = await startCollector({ dataDir, cleanup: false });
    const { port, apiKey, adminToken } = collector;
    const agent = startAgent(
      [
        'run',
        '--collector',
        collector.url,
        '--api-key',
        apiKey,
        '--interval',
        '300ms',
        '--host-name',
        host,
        '--state-dir',
        stateDir,
      ],
      fakeGpuEnv('workstation', { AIOBS_LOG_LEVEL: 'debug' }),
    );
    try {
      await agent.waitForLog((l) => l.msg === 'export ok', 60_000, 2);
      await collector.stop();
      await agent.waitForLog((l) => l.msg === 'collector unavailable; buffering on disk', 30_000);
      const bufferedBefore = agent.logs.filter((l) => l.msg === 'buffered').length;
      await agent.waitForLog((l) => l.msg === 'buffered', 30_000, bufferedBefore + 8);
      expect(readdirSync(join(stateDir, 'buffer')).length).toBeGreaterThanOrEqual(8);

      collector = await startCollector({ port, dataDir, apiKey, adminToken, cleanup: false });
      await agent.waitForLog((l) => l.msg === 'buffer drained: collector caught up', 120_000);
      expect(await agent.stop()).toBe(0);
      const summary = agent.logs.find((l) => l.msg === 'stopped')!;
      expect(summary).toMatchObject({ dropped: 0, pending: 0 });
      expect(Number(summary.buffered)).toBeGreaterThanOrEqual(8);

      const rows = await collector.api<{ rows: { n: number | string }[] }>('/api/v1/query', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          sql: `SELECT count(DISTINCT TimeUnix) AS n FROM otel_metrics_gauge
                WHERE ResourceAttributes['host.name'] = {host:String} AND MetricName = 'system.uptime'`,
          params: { host },
        }),
      });
      // One system.uptime point per collection: all of them, none lost, none doubled.
      expect(Number(rows.rows[0]!.n)).toBe(Number(summary.collections));
    } finally {
      await agent.stop();
      await collector.stop();
      rmSync(stateDir, { recursive: true, force: true });
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 300_000);
});
