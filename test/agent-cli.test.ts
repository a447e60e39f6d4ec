// Black-box suite for the aiobs-agent CLI, with the fake nvidia-smi/lspci on PATH and a local
// capture server in place of the collector. Needs no collector.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AGENT_BIN, startAgent } from '@aiobs/agent/dist/test-support/agent-process.js';
import { startCaptureServer } from '@aiobs/agent/dist/test-support/capture-server.js';
import { fakeGpuEnv, readScenario } from '@aiobs/agent/dist/test-support/fake-gpu.js';
import { allMetrics, decodeMetricsRequest } from '@aiobs/agent/dist/test-support/otlp-decode.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const REPO = resolve(import.meta.dirname, '..');
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'aiobs-agent-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const cli = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
  spawnSync(process.execPath, [AGENT_BIN, ...args], { env, encoding: 'utf8', timeout: 60_000 });

describe('aiobs-agent CLI', () => {
  it('answers --help from the repo root through npx, and for each command', () => {
    const top = execFileSync('npx', ['aiobs-agent', '--help'], { cwd: REPO, encoding: 'utf8' });
    expect(top).toMatch(/Usage: aiobs-agent/);
    for (const cmd of ['run', 'snapshot', 'install', 'uninstall']) {
      const r = cli([cmd, '--help']);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain(`Usage: aiobs-agent ${cmd}`);
    }
    expect(cli(['run', '--help']).stdout).toMatch(
      /--collector <url>[\s\S]*--api-key[\s\S]*--interval[\s\S]*--host-name/,
    );
  });

  it('rejects a bad interval with a message and exit code', () => {
    const r = cli(['run', '--interval', 'often']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/expected a duration/);
  });

  it('snapshot prints one collection with exact values per GPU from the 8-GPU host', () => {
    const r = cli(['snapshot', '--host-name', 'snap-host'], fakeGpuEnv('h200x8'));
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as {
      resource: Record<string, string>;
      gpu: {
        state: string;
        gpus: number;
        inventory: { controllers: { vendor: string; model: string }[] };
      };
      metrics: { name: string; points: { attributes: Record<string, unknown>; value: number }[] }[];
    };
    expect(out.resource).toMatchObject({ 'host.name': 'snap-host', 'service.name': 'aiobs-agent' });
    expect(out.gpu).toMatchObject({ state: 'running', gpus: 8 });
    expect(
      out.gpu.inventory.controllers.filter((c) => c.model === 'GH100 [H200 SXM 141GB]'),
    ).toHaveLength(8);
    const scenario = readScenario('h200x8');
    const metric = (name: string) => out.metrics.find((m) => m.name === name)!;
    for (const g of scenario.gpus) {
      const p = (name: string, extra: Record<string, unknown> = {}) =>
        metric(name).points.find(
          (x) =>
            x.attributes['hw.id'] === g.uuid &&
            Object.entries(extra).every(([k, v]) => x.attributes[k] === v),
        )?.value;
      expect(p('hw.gpu.utilization', { 'hw.gpu.task': 'general' })).toBe(
        Number(g['utilization.gpu']) / 100,
      );
      expect(p('hw.gpu.memory.usage')).toBe(Number(g['memory.used']) * 1024 * 1024);
      expect(p('hw.gpu.memory.limit')).toBe(143771 * 1024 * 1024);
      expect(p('hw.temperature')).toBe(Number(g['temperature.gpu']));
      expect(p('hw.power')).toBe(Number(g['power.draw']));
    }
    expect(metric('system.cpu.utilization').points.length).toBeGreaterThan(0);
    expect(metric('aiobs.gpu.process.memory.usage').points).toHaveLength(5);
  });

  it('snapshot on a host without GPUs or without nvidia-smi reports host metrics and says why', () => {
    const none = JSON.parse(cli(['snapshot', '--sample', '200ms'], fakeGpuEnv('nodevice')).stdout);
    expect(none.gpu.state).toBe('no-gpu');
    const missing = JSON.parse(
      cli(['snapshot', '--sample', '200ms', '--nvidia-smi', join(dir, 'nope')], process.env).stdout,
    );
    expect(missing.gpu.state).toBe('no-nvidia-smi');
    for (const s of [none, missing]) {
      expect(s.metrics.some((m: { name: string }) => m.name === 'system.memory.usage')).toBe(true);
      expect(s.metrics.some((m: { name: string }) => m.name.startsWith('hw.'))).toBe(false);
    }
  });

  it('snapshot with a hung nvidia-smi still reports host metrics', () => {
    const t0 = Date.now();
    const r = cli(['snapshot', '--sample', '200ms'], fakeGpuEnv('hang'));
    expect(Date.now() - t0).toBeLessThan(20_000);
    const s = JSON.parse(r.stdout);
    expect(s.gpu.state).toBe('failed');
    expect(s.metrics.some((m: { name: string }) => m.name === 'system.uptime')).toBe(true);
  });

  it('install --dry-run prints the unit and env file and writes nothing', () => {
    const r = cli([
      'install',
      '--collector',
      'https://aiobs.example.com',
      '--api-key',
      'secret-ingest-key',
      '--root',
      dir,
      '--dry-run',
    ]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(
      `# would write ${join(dir, 'etc/systemd/system/aiobs-agent.service')} (mode 0644)`,
    );
    expect(r.stdout).toMatch(
      /ExecStart=\S+node\S* --max-semi-space-size=1 --no-memory-reducer \S+cli\.js run/,
    );
    expect(r.stdout).toContain('AIOBS_COLLECTOR_URL=https://aiobs.example.com');
    expect(r.stdout).toContain('AIOBS_API_KEY=<17-character key, hidden>');
    expect(r.stdout).not.toContain('secret-ingest-key');
    expect(r.stdout).toContain('would enable nothing');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('install writes the unit and a 0600 env file, enables nothing; uninstall removes them', () => {
    const r = cli([
      'install',
      '--collector',
      'http://10.0.0.5:4318',
      '--api-key',
      'k-1',
      '--interval',
      '30s',
      '--host-name',
      'gpu-07',
      '--root',
      dir,
    ]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('not enabled');
    const unitPath = join(dir, 'etc/systemd/system/aiobs-agent.service');
    const envPath = join(dir, 'etc/aiobs-agent/aiobs-agent.env');
    expect(statSync(envPath).mode & 0o777).toBe(0o600);
    expect(readFileSync(envPath, 'utf8')).toContain(
      'AIOBS_API_KEY=k-1\nAIOBS_AGENT_INTERVAL=30s\nAIOBS_HOST_NAME=gpu-07\n',
    );
    const unit = readFileSync(unitPath, 'utf8');
    expect(unit).toContain('EnvironmentFile=/etc/aiobs-agent/aiobs-agent.env');
    expect(unit).toMatch(/^WantedBy=multi-user.target$/m);
    expect(cli(['install', '--api-key', 'k', '--root', dir, '--enable']).status).toBe(2);
    const dry = cli(['uninstall', '--root', dir, '--dry-run']);
    expect(dry.stdout).toContain(unitPath);
    expect(statSync(unitPath).isFile()).toBe(true);
    const u = cli(['uninstall', '--root', dir]);
    expect(u.status).toBe(0);
    expect(u.stdout).toContain(`removed ${envPath}`);
    expect(() => statSync(unitPath)).toThrow();
  });

  it('install --api-key-file puts the key in the 0600 env file, never on stdout', () => {
    const keyFile = join(dir, 'ingest.key');
    writeFileSync(keyFile, 'key-from-a-file\n', { mode: 0o600 });
    const r = cli(['install', '--api-key-file', keyFile, '--root', dir]);
    expect(r.status).toBe(0);
    expect(r.stdout + r.stderr).not.toContain('key-from-a-file');
    const env = readFileSync(join(dir, 'etc/aiobs-agent/aiobs-agent.env'), 'utf8');
    expect(env).toContain('AIOBS_API_KEY=key-from-a-file\n');
  });

  it('install refuses to make root run an agent that other users can change', () => {
    // A copy of the agent in a world-writable directory below the repo's node_modules, so
    // its dependencies still resolve: what `sudo npx` from a user's npm cache looks like.
    const copy = mkdtempSync(join(REPO, 'node_modules', '.aiobs-e2e-'));
    try {
      cpSync(join(REPO, 'agent', 'dist'), join(copy, 'agent', 'dist'), { recursive: true });
      cpSync(join(REPO, 'agent', 'package.json'), join(copy, 'agent', 'package.json'));
      chmodSync(copy, 0o777);
      const r = spawnSync(
        process.execPath,
        [join(copy, 'agent', 'dist', 'cli.js'), 'install', '--api-key', 'k', '--root', dir],
        { encoding: 'utf8', timeout: 60_000 },
      );
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('refusing to install a root service');
      expect(r.stderr).toContain(copy);
      expect(r.stderr).toContain('npm install -g @aiobs/agent');
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('install without a key refuses', () => {
    const env = { ...process.env, AIOBS_API_KEY: '', AIOBS_DATA_DIR: dir };
    const r = cli(['install', '--root', dir], env);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no API key/);
  });
});

describe('aiobs-agent run against a capture server', () => {
  it('exports OTLP protobuf with the key, host.name and all 8 GPUs, and flushes on SIGTERM', async () => {
    const server = await startCaptureServer();
    try {
      const agent = startAgent(
        [
          'run',
          '--collector',
          server.url,
          '--api-key',
          'k-run',
          '--interval',
          '300ms',
          '--host-name',
          'run-host',
          '--state-dir',
          dir,
        ],
        fakeGpuEnv('h200x8', { AIOBS_LOG_LEVEL: 'debug' }),
      );
      await agent.waitForLog((l) => l.msg === 'GPU collection started');
      const before = agent.logs.filter((l) => l.msg === 'export ok').length;
      await agent.waitForLog((l) => l.msg === 'export ok', 30_000, before + 3);
      expect(await agent.stop()).toBe(0);
      const stopped = agent.logs.find((l) => l.msg === 'stopped')!;
      expect(stopped).toMatchObject({ dropped: 0, pending: 0 });
      expect(server.requests.length).toBe(stopped.sent);
      const req = server.requests.at(-1)!;
      expect(req.headers.authorization).toBe('Bearer k-run');
      const decoded = decodeMetricsRequest(req.body);
      expect(decoded.resource).toMatchObject({
        'host.name': 'run-host',
        'service.name': 'aiobs-agent',
      });
      const util = allMetrics(decoded).find((m) => m.name === 'hw.gpu.utilization')!;
      expect(new Set(util.points.map((p) => p.attributes['hw.id'])).size).toBe(8);
      // Every collection reached the server: one request each (none buffered).
      expect(stopped.collections).toBe(server.requests.length);
    } finally {
      await server.close();
    }
  });

  it('keeps samples on disk through an outage, across a restart, and delivers them all', async () => {
    const server = await startCaptureServer();
    const port = server.port;
    await server.close();
    const env = fakeGpuEnv('workstation', { AIOBS_LOG_LEVEL: 'debug' });
    const args = [
      'run',
      '--collector',
      `http://127.0.0.1:${port}`,
      '--api-key',
      'k',
      '--interval',
      '200ms',
      '--state-dir',
      dir,
    ];
    const first = startAgent(args, env);
    await first.waitForLog((l) => l.msg === 'collector unavailable; buffering on disk');
    await first.waitForLog((l) => l.msg === 'buffered', 30_000, 5);
    expect(await first.stop()).toBe(0);
    const s1 = first.logs.find((l) => l.msg === 'stopped')!;
    expect(s1.pending).toBe(s1.collections);
    expect(readdirSync(join(dir, 'buffer')).length).toBe(s1.collections);

    const back = await startCaptureServer(port);
    try {
      const second = startAgent(args, env);
      await second.waitForLog((l) => l.msg === 'buffer drained: collector caught up');
      expect(await second.stop()).toBe(0);
      const s2 = second.logs.find((l) => l.msg === 'stopped')!;
      expect(s2.pending).toBe(0);
      const times = new Set(
        back.requests.flatMap((r) =>
          allMetrics(decodeMetricsRequest(r.body))
            .filter((m) => m.name === 'system.uptime')
            .flatMap((m) => m.points.map((p) => p.timeUnixNano)),
        ),
      );
      expect(times.size).toBe(Number(s1.collections) + Number(s2.collections));
    } finally {
      await back.close();
    }
  });
});
