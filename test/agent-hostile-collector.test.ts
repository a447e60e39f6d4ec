// A broken or hostile collector answers every export with 200 and a body that never ends.
// The agent process must read at most 64 KiB of each answer, keep exporting every interval,
// keep its memory bounded, and count the exports as delivered (the status decides).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAgent } from '@aiobs/agent/dist/test-support/agent-process.js';
import { fakeGpuEnv } from '@aiobs/agent/dist/test-support/fake-gpu.js';
import { describe, expect, it } from 'vitest';

/** Resident memory of a process in bytes, from /proc. */
function rssBytes(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]) * 1024;
}

describe('agent against a collector whose answers never end', () => {
  it('reads at most 64 KiB per answer, keeps exporting, and stays small', async () => {
    let written = 0;
    let requests = 0;
    const chunk = Buffer.alloc(64 * 1024, 'z');
    const pump = (res: ServerResponse) => {
      while (!res.destroyed) {
        written += chunk.length;
        if (!res.write(chunk)) {
          res.once('drain', () => pump(res));
          return;
        }
      }
    };
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        requests++;
        res.writeHead(200, { 'content-type': 'application/x-protobuf' });
        pump(res);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const stateDir = mkdtempSync(join(tmpdir(), 'aiobs-agent-hostile-'));
    const agent = startAgent(
      [
        'run',
        '--collector',
        url,
        '--api-key',
        'k-hostile',
        '--interval',
        '200ms',
        '--state-dir',
        stateDir,
        '--no-gpu',
      ],
      fakeGpuEnv('workstation', { AIOBS_LOG_LEVEL: 'debug' }),
    );
    try {
      // Without the cap the first answer would never end and no second export would start.
      await agent.waitForLog((l) => l.msg.startsWith('collector answer body ignored'), 90_000, 15);
      const rss = rssBytes(agent.child.pid!);
      expect(written).toBeGreaterThan(15 * 64 * 1024);
      // The systemd unit allows 256 MiB; the agent normally needs a few tens.
      expect(rss).toBeLessThan(160 * 1024 * 1024);
      expect(await agent.stop()).toBe(0);
      const summary = agent.logs.find((l) => l.msg === 'stopped')!;
      expect(Number(summary.sent)).toBeGreaterThanOrEqual(15);
      expect(summary).toMatchObject({ buffered: 0, dropped: 0 });
      expect(requests).toBeGreaterThanOrEqual(15);
    } finally {
      await agent.stop();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      rmSync(stateDir, { recursive: true, force: true });
    }
  }, 180_000);
});
