#!/usr/bin/env node
// `npm run bench -- agent [--window <s>] [--intervals 1s,10s] [--readers no] [--export-interval <d>]
// [--agent-dir <dir>] [--warmup <s>]`: steady-state CPU and RSS of
// aiobs-agent (its process and the nvidia-smi processes it keeps) on the fake 8-GPU host,
// beside @opentelemetry/host-metrics (host metrics only) measured in the same run, at the same
// interval, exporting to the same local OTLP endpoint. Then the per-call cost of the
// systeminformation calls the agent replaces with /proc readers. Prints figures, asserts nothing.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
// Another build of the agent (e.g. a commit checked out elsewhere) for before/after runs in
// the same minutes; the fake nvidia-smi and the host-metrics peer stay this checkout's.
const agentDir = resolve(arg('agent-dir', join(repo, 'agent')));
const agentBin = join(agentDir, 'bin', 'aiobs-agent.js');
const fakeBin = join(repo, 'agent', 'test-fixtures', 'bin');
const exportInterval = arg('export-interval', undefined);
const warmupArg = arg('warmup', undefined);
const warmupS = warmupArg === undefined ? undefined : Number(warmupArg);
const windowS = Number(arg('window', '60'));
const intervals = arg('intervals', '1s,10s').split(',');
// The per-call cost of the systeminformation readers does not change with the agent's code.
const readers = arg('readers', 'yes') !== 'no';
const CLK_TCK = 100; // Linux USER_HZ

try {
  readFileSync(join(agentDir, 'dist', 'cli.js'));
} catch {
  console.error(
    `${agentDir}/dist is missing: run \`npm install\` (prepare builds it) or \`npx tsc -b agent\` first`,
  );
  process.exit(2);
}

function procStat(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return {
      ppid: Number(f[1]),
      utime: Number(f[11]),
      stime: Number(f[12]),
      cutime: Number(f[13]),
      cstime: Number(f[14]),
    };
  } catch {
    return undefined;
  }
}
function rssKb(pid, field = 'VmRSS') {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
      readFileSync(`/proc/${pid}/status`, 'utf8'),
    );
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}
function descendants(root) {
  const byParent = new Map();
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    const st = procStat(e);
    if (!st) continue;
    if (!byParent.has(st.ppid)) byParent.set(st.ppid, []);
    byParent.get(st.ppid).push(Number(e));
  }
  const out = [];
  const walk = (p) => {
    for (const c of byParent.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(root);
  return out;
}
/** CPU ticks of a process tree: live processes plus what reaped children left in cutime. */
function treeTicks(pid) {
  const own = procStat(pid);
  if (!own) return { self: 0, tools: 0 };
  let tools = own.cutime + own.cstime;
  for (const d of descendants(pid)) {
    const s = procStat(d);
    if (s) tools += s.utime + s.stime;
  }
  return { self: own.utime + own.stime, tools };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function startSink(keepBodies = false) {
  let requests = 0;
  const bodies = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => keepBodies && chunks.push(c));
    req.on('end', () => {
      requests++;
      if (keepBodies) bodies.push(Buffer.concat(chunks));
      res.writeHead(200, { 'content-type': 'application/x-protobuf' });
      res.end();
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    count: () => requests,
    /** Bodies received from the `from`-th request on (kept only with `keepBodies`). */
    bodies: (from) => bodies.slice(from),
    close: () => server.close(),
  };
}

/**
 * Collections in the agent's requests: one data point of `system.uptime` each (a request
 * carries several below a 5 s interval). Decoded after the window, outside the measurement.
 */
async function countCollections(bodies) {
  const { allMetrics, decodeMetricsRequest } = await import(
    join(agentDir, 'dist', 'test-support', 'otlp-decode.js')
  );
  let n = 0;
  for (const b of bodies) {
    for (const m of allMetrics(decodeMetricsRequest(b))) {
      if (m.name === 'system.uptime') n += m.points.length;
    }
  }
  return n;
}

const hostMetricsScript = `
import { HostMetrics } from '@opentelemetry/host-metrics';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { machineLine } from './lib/machine.mjs';
const interval = Number(process.env.BENCH_INTERVAL_MS);
const reader = new PeriodicExportingMetricReader({
  exporter: new OTLPMetricExporter({ url: process.env.BENCH_URL + '/v1/metrics' }),
  exportIntervalMillis: interval,
  exportTimeoutMillis: Math.min(interval, 30000),
});
const meterProvider = new MeterProvider({ readers: [reader] });
new HostMetrics({ meterProvider, name: 'bench' }).start();
// The SDK's export timer is unref'd; keep the process alive like an app would.
setInterval(() => {}, 1 << 30);
process.on('SIGTERM', () => meterProvider.shutdown().then(() => process.exit(0)));
`;

function startProc(cmd, cmdArgs, env, cwd) {
  const child = spawn(cmd, cmdArgs, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
    cwd,
  });
  child.exited = new Promise((r) => child.once('exit', r));
  return child;
}

async function measure(label, intervalMs) {
  const state = mkdtempSync(join(tmpdir(), 'aiobs-bench-'));
  // One endpoint each, so the agent's exports are counted apart from the peer's.
  const sink = await startSink(true);
  const hmSink = await startSink();
  const agent = startProc(
    process.execPath,
    [
      '--max-semi-space-size=1',
      '--no-memory-reducer',
      agentBin,
      'run',
      '--collector',
      sink.url,
      '--api-key',
      'bench',
      '--interval',
      label,
      '--state-dir',
      state,
      '--log-level',
      'warn',
      ...(exportInterval ? ['--export-interval', exportInterval] : []),
    ],
    {
      PATH: `${fakeBin}:${process.env.PATH}`,
      AIOBS_FAKE_GPU_SCENARIO: 'h200x8',
      AIOBS_FAKE_NODE: process.execPath,
    },
  );
  const hm = startProc(
    process.execPath,
    ['--input-type=module', '-e', hostMetricsScript],
    {
      BENCH_URL: hmSink.url,
      BENCH_INTERVAL_MS: String(intervalMs),
    },
    join(repo, 'agent'),
  );
  // Warm-up: start-up work (module loading, nvidia-smi discovery, lspci inventory) is not
  // steady state. V8 keeps optimizing the hot functions and promoting objects for about a
  // minute at 1 s (~40% more CPU in the minute after 8 s than after 90 s): --warmup 90 measures
  // the agent that runs for days, the default its first minute.
  await sleep(warmupS !== undefined ? warmupS * 1000 : Math.max(8000, 2 * intervalMs));
  const a0 = treeTicks(agent.pid);
  const h0 = treeTicks(hm.pid);
  const t0 = performance.now();
  const sent0 = sink.count();
  const hmSent0 = hmSink.count();
  const rss = { agent: 0, tools: 0, hm: 0 };
  const samples = Math.max(4, Math.round(windowS / 5));
  for (let i = 0; i < samples; i++) {
    await sleep((windowS * 1000) / samples);
    rss.agent = Math.max(rss.agent, rssKb(agent.pid));
    rss.tools = Math.max(
      rss.tools,
      descendants(agent.pid).reduce((n, p) => n + rssKb(p), 0),
    );
    rss.hm = Math.max(rss.hm, rssKb(hm.pid));
  }
  const a1 = treeTicks(agent.pid);
  const h1 = treeTicks(hm.pid);
  const seconds = (performance.now() - t0) / 1000;
  const toolPids = descendants(agent.pid).length;
  const requests = sink.count() - sent0;
  const collections = await countCollections(sink.bodies(sent0).slice(0, requests));
  const hmRequests = hmSink.count() - hmSent0;
  const pct = (ticks) => (100 * ticks) / CLK_TCK / seconds;
  const row = {
    interval: label,
    agentCpu: pct(a1.self - a0.self),
    toolsCpu: pct(a1.tools - a0.tools),
    agentRssMB: rss.agent / 1024,
    agentPeakRssMB: rssKb(agent.pid, 'VmHWM') / 1024,
    toolsRssMB: rss.tools / 1024,
    toolProcesses: toolPids,
    hmCpu: pct(h1.self + h1.tools - h0.self - h0.tools),
    hmRssMB: rss.hm / 1024,
    seconds,
    requests,
    collections,
    hmRequests,
    // On a loaded machine a collection can be skipped (one still running), and below 5 s a
    // request carries several: CPU per collection is what compares across runs.
    agentMsPerCollection:
      collections > 0 ? ((a1.self - a0.self) * (1000 / CLK_TCK)) / collections : 0,
  };
  agent.kill('SIGTERM');
  hm.kill('SIGTERM');
  await Promise.all([agent.exited, hm.exited]);
  sink.close();
  hmSink.close();
  rmSync(state, { recursive: true, force: true });
  return row;
}

async function siCosts() {
  const si = (await import(join(repo, 'node_modules', 'systeminformation', 'lib', 'index.js')))
    .default;
  const { createHostCollector, DEFAULT_NET_EXCLUDE } = await import(
    join(repo, 'agent', 'dist', 'host', 'host-collector.js')
  );
  const { silentLogger } = await import(join(repo, 'agent', 'dist', 'logger.js'));
  const self = () => {
    const s = procStat(process.pid);
    return s.utime + s.stime + s.cutime + s.cstime;
  };
  const host = createHostCollector({
    hostRoot: '/',
    netExclude: DEFAULT_NET_EXCLUDE,
    logger: silentLogger,
  });
  await host.prime();
  const calls = {
    'aiobs host collector (all host metrics)': () => host.collect(),
    'si.currentLoad()': () => si.currentLoad(),
    'si.mem()': () => si.mem(),
    'si.fsSize()': () => si.fsSize(),
    'si.disksIO()': () => si.disksIO(),
    'si.networkStats("*")': () => si.networkStats('*'),
    'si.processes()': () => si.processes(),
  };
  const out = [];
  for (const [name, f] of Object.entries(calls)) {
    await f();
    // systeminformation caches some results for ~200 ms: space the calls out.
    const n = 10;
    let ticks = 0;
    for (let i = 0; i < n; i++) {
      await sleep(300);
      const c0 = self();
      await f();
      ticks += self() - c0;
    }
    out.push({ name, msPerCall: (ticks * (1000 / CLK_TCK)) / n });
  }
  return out;
}

const f1 = (x) => x.toFixed(1);
const f2 = (x) => x.toFixed(2);
console.log(machineLine());
console.log(
  `fake 8x H200 host (agent/test-fixtures), window ${windowS}s per interval, CPU in % of one core\n`,
);
const rows = [];
for (const label of intervals) {
  const ms = label.endsWith('ms')
    ? Number(label.slice(0, -2))
    : label.endsWith('s')
      ? Number(label.slice(0, -1)) * 1000
      : Number(label) * 1000;
  rows.push(await measure(label, ms));
}
console.log(
  'interval | aiobs-agent CPU | agent / host-metrics | agent ms per collection | + nvidia-smi (fake) CPU | agent RSS (peak) | fake tools RSS | host-metrics CPU | host-metrics RSS | agent collections, requests; host-metrics exports',
);
console.log('---|---|---|---|---|---|---|---|---|---');
for (const r of rows) {
  // The ratio to the peer measured in the same minutes is what survives a loaded machine.
  const ratio = r.hmCpu > 0 ? (r.agentCpu / r.hmCpu).toFixed(3) : '-';
  console.log(
    `${r.interval} | ${f2(r.agentCpu)}% | ${ratio} | ${f1(r.agentMsPerCollection)} | ${f2(r.toolsCpu)}% (${r.toolProcesses} procs) | ${f1(r.agentRssMB)} MB (${f1(r.agentPeakRssMB)}) | ${f1(r.toolsRssMB)} MB | ${f2(r.hmCpu)}% | ${f1(r.hmRssMB)} MB | ${r.collections}, ${r.requests}; ${r.hmRequests} in ${f1(r.seconds)}s`,
  );
}
console.log(
  `load average at the end: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
if (!readers) process.exit(0);
console.log('\nCPU per call (ms, this process plus the processes it spawns), 10 calls each:');
for (const c of await siCosts()) console.log(`  ${c.name.padEnd(40)} ${f2(c.msPerCall)} ms`);
