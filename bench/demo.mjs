// `npm run bench -- demo`: how long `npm run demo` (its defaults: a 6 h back-fill on a fresh
// data dir, then live traffic) takes until each dashboard page's API has data, against a
// fresh collector on the embedded engine. Prints seconds from the demo's start per page;
// asserts nothing (issue 15 item 4: "fills every dashboard page within a minute").
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'demo-timing-'));
const port = 45318;
const col = spawn(
  process.execPath,
  [
    join(ROOT, 'collector/dist/main.js'),
    '--port',
    String(port),
    '--data-dir',
    dir,
    '--grpc-port',
    'off',
  ],
  { stdio: 'ignore' },
);
const url = `http://127.0.0.1:${port}`;
for (;;) {
  try {
    if ((await fetch(`${url}/api/v1/health`)).ok) break;
  } catch {}
  await new Promise((r) => setTimeout(r, 300));
}
const creds = JSON.parse(readFileSync(join(dir, 'credentials.json'), 'utf8'));
const t0 = Date.now();
const demo = spawn(
  process.execPath,
  [join(ROOT, 'examples/demo/dist/main.js'), '--duration', '100s'],
  {
    cwd: ROOT,
    env: { ...process.env, AIOBS_DATA_DIR: dir, OTEL_EXPORTER_OTLP_ENDPOINT: url },
    stdio: ['ignore', 'pipe', 'pipe'],
  },
);
demo.stdout.on('data', (d) =>
  process.stdout.write(`[demo +${((Date.now() - t0) / 1000).toFixed(1)}s] ${d}`),
);
const api = async (p) => {
  const r = await fetch(`${url}/api/v1${p}`, {
    headers: { authorization: `Bearer ${creds.adminToken}` },
  });
  return r.ok ? r.json() : undefined;
};
const checks = {
  models: async () => (await api('/models'))?.models?.length > 0,
  traces: async () => (await api('/traces'))?.traces?.length > 0,
  gpus: async () => ((await api('/gpus'))?.gpus?.length ?? 0) > 0,
  baseline: async () => ((await api('/drift/baselines'))?.baselines ?? []).some((b) => b.isDefault),
  rules: async () => ((await api('/alert-rules'))?.rules?.length ?? 0) > 0,
  alerts: async () =>
    ((await api('/alerts'))?.alerts ?? []).some(
      (a) => a.state === 'pending' || a.state === 'firing',
    ),
};
const done = {};
while (Object.keys(done).length < Object.keys(checks).length && Date.now() - t0 < 180_000) {
  for (const [k, f] of Object.entries(checks))
    if (!done[k]) {
      try {
        if (await f()) {
          done[k] = (Date.now() - t0) / 1000;
          console.log(`${k}: ${done[k].toFixed(1)} s`);
        }
      } catch {}
    }
  await new Promise((r) => setTimeout(r, 1000));
}
console.log('RESULT', JSON.stringify(done));
demo.kill('SIGINT');
col.kill('SIGTERM');
setTimeout(() => {
  rmSync(dir, { recursive: true, force: true });
  process.exit(Object.keys(done).length === Object.keys(checks).length ? 0 : 1);
}, 5000);
