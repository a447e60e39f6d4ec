#!/usr/bin/env node
// Per-call wall ms and collector CPU ms of API reads on a kept dashboard bench data dir, for
// one collector build: node bench/api-reads.mjs <collector dist> <copy of --data-dir>/data
// <rounds> [set]. Sets: `drift` (default: the drift feature table, drift series stored and
// computed, Compare with significance) and `pages` (every call of the Overview, Models,
// Model, Infrastructure and Drift pages' first cold load over the back-fill's last hour, as
// the dashboard sends them, plus `SELECT 1` through /api/v1/query: the fixed cost of a read).
// The data dir must be a copy (a collector locks it) whose seeded.json says where the
// back-fill ended; the drift job is off, so a build cannot store results the next one reads.
// Prints each call's median wall and CPU ms and its rounds, and writes each first answer to
// /tmp/api-reads-<build's path, / as _>-<call>.json to compare builds byte for byte. Asserts
// nothing. CPU is the collector process's (engine included): it also counts background merges.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startCollector } from './lib/collector-process.mjs';

const [dist, dataDir, roundsArg, set = 'drift'] = process.argv.slice(2);
const rounds = Number(roundsArg ?? 5);
if (set !== 'drift' && set !== 'pages') throw new Error(`unknown set ${set}: drift or pages`);
console.log('starting', new Date().toISOString());
const collector = await startCollector({ dataDir, dist, args: ['--drift-interval', '0'] });
const token = collector.adminToken;
const port = new URL(collector.url).port;
console.log('listening', new Date().toISOString());
const base = `http://127.0.0.1:${port}/api/v1`;
const get = async (p) => {
  const cpu0 = collector.cpuSeconds();
  const t = performance.now();
  const r = p.startsWith('POST ')
    ? await fetch(base + p.split(' ')[1], {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: p.slice(p.indexOf(' ', 5) + 1),
      })
    : await fetch(base + p, { headers: { authorization: `Bearer ${token}` } });
  const body = await r.text();
  const ms = performance.now() - t;
  return { ms, cpu: (collector.cpuSeconds() - cpu0) * 1000, status: r.status, body };
};
const at = JSON.parse(readFileSync(join(dirname(dataDir), 'seeded.json'), 'utf8')).at;
const H = 3_600_000;
const from = at - H,
  to = at;
const bl = JSON.parse((await get('/drift/baselines')).body);
const list = bl.baselines ?? bl;
const def = list.find((b) => b.model === 'gpt-4o' && b.isDefault);
const driftUrls = {
  'drift (baseline)': `/drift?model=gpt-4o&baseline=${def.id}&from=${from}&to=${to}`,
  'drift (previous window)': `/drift?model=gpt-4o&from=${from}&to=${to}&refFrom=${from - 2 * H}&refTo=${from}`,
  'drift/series psi, last 1 h': `/drift/series?model=gpt-4o&from=${from}&to=${to}&measure=psi`,
  'drift/series psi, 2 h, 2 days ago': `/drift/series?model=gpt-4o&from=${at - 48 * H}&to=${at - 46 * H}&measure=psi`,
  'drift/series multivariate, 2 days ago': `/drift/series?model=gpt-4o&from=${at - 48 * H}&to=${at - 46 * H}&measure=multivariate`,
  'drift/series multivariate, last 1 h': `/drift/series?model=gpt-4o&from=${from}&to=${to}&measure=multivariate`,
  'models/compare (significance)': `/models/compare?model=gpt-4o&a=version:v7&b=version:v8&from=${at - 6 * H}&to=${to}`,
  'models/compare + drift baseline': `/models/compare?model=gpt-4o&a=version:v7&b=version:v8&from=${at - 6 * H}&to=${to}&baseline=${def.id}`,
};
// The pages' first cold load, in the order each page sends them (dashboard/src/preload.ts).
const range = `from=${from}&to=${to}`;
const defaults = list.filter((b) => b.isDefault);
const pageUrls = {
  'SELECT 1 (/api/v1/query)': 'POST /query {"sql":"SELECT 1"}',
  'Overview models': `/models?${range}`,
  'Overview models/series': `/models/series?${range}&step=1m&metric=requests,errorRate,latencyP50,latencyP95,latencyP99,ttftP50,ttftP95,tokensPerS,cost`,
  'drift/baselines': '/drift/baselines',
  'alerts firing': '/alerts?state=firing',
  gpus: `/gpus?${range}`,
  hosts: `/hosts?${range}`,
  changes: `/changes?${range}`,
  'models/slowest': `/models/slowest?${range}&limit=10`,
  ...Object.fromEntries(
    defaults.map((b) => [
      `drift/series stored ${b.model}`,
      `/drift/series?baseline=${b.id}&measure=auto&${range}&source=stored`,
    ]),
  ),
  'Models models/series': `/models/series?${range}&step=5m&groupBy=model&metric=requests,latencyP95`,
  'Model models/series': `/models/series?model=gpt-4o&groupBy=version&${range}&step=1m&metric=requests,errorRate,latencyP95,ttftP95,tokensPerS,cacheHitRate,queueWaitP95,cost`,
  ...Object.fromEntries(
    [
      'hw.gpu.utilization',
      'hw.gpu.memory.usage',
      'hw.temperature',
      'hw.power',
      'aiobs.gpu.throttle.active',
    ].map((m) => [`gpus/series ${m}`, `/gpus/series?metric=${m}&agg=avg&${range}&step=1m`]),
  ),
  'Drift drift/series psi': `/drift/series?model=gpt-4o&baseline=${def.id}&${range}&measure=psi`,
  'Drift drift': `/drift?model=gpt-4o&${range}&baseline=${def.id}`,
};
const urls = set === 'pages' ? pageUrls : driftUrls;
const times = Object.fromEntries(Object.keys(urls).map((k) => [k, []]));
const cpus = Object.fromEntries(Object.keys(urls).map((k) => [k, []]));
const shape = {};
for (let r = 0; r <= rounds; r++)
  for (const [k, u] of Object.entries(urls)) {
    const x = await get(u);
    if (x.status !== 200) {
      console.error(k, x.status, x.body.slice(0, 300));
      continue;
    }
    console.log(r, k, x.ms.toFixed(0), 'ms', x.cpu.toFixed(0), 'ms CPU');
    if (r === 0) {
      writeFileSync(
        `/tmp/api-reads-${dist.split('/').filter(Boolean).join('_')}-` +
          k.replace(/[^a-z0-9]+/gi, '_') +
          '.json',
        x.body,
      );
      const j = JSON.parse(x.body);
      shape[k] =
        `${x.body.length} B${j.source ? ` ${j.source}` : ''}${j.series ? ` ${j.series.length} series` : ''}${j.features ? ` ${j.features.length} features` : ''}`;
    } else {
      times[k].push(x.ms);
      cpus[k].push(x.cpu);
    }
  }
const med = (a) => {
  if (a.length === 0) return Number.NaN;
  const s = [...a].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
};
for (const k of Object.keys(urls))
  console.log(
    `${k.padEnd(34)} median ${med(times[k]).toFixed(0).padStart(6)} ms, CPU ${med(cpus[k]).toFixed(0).padStart(5)} ms  [${times[k].map((t) => t.toFixed(0)).join(' ')}]  ${shape[k]}`,
  );
await collector.stop();
