#!/usr/bin/env node
// Dashboard benchmark (issue 12, item 5): back-fills `--inferences` GenAI inferences over
// `--days` through OTLP (as bench/query.mjs does) plus the agent's GPU metrics of the spans'
// hosts, one multi-service trace and three alert rules; signs in with the admin token and, in
// headless Chromium, times every page from navigation start until its first chart exists,
// cold (a new browser context: empty HTTP cache) and warm (the same URL again in that
// context), `--runs` times each; p50/p95 per range. Also the JavaScript the Overview page
// loads (gzipped), each page's own chunks, and whether each page's API calls start together.
// Prints figures, asserts nothing (goals: < 1.5 s at 1M, < 3 s at 10M; < 300 kB of JS).
// Usage: npm run bench -- dashboard [--inferences 1000000] [--days 7] [--runs 5]
//   [--ranges 1h,7d] [--gpu-hosts 16] [--gpus-per-host 2] [--gpu-step 900] (s between GPU
//   samples before the last hour; 10 s within it) [--timeout 60] (s per load)
//   [--pages Overview,Drift] (only those) [--collector-args "--flag value ..."]
//   [--dists dashboard/dist,/tmp/old-dist] (builds to time in turn on the same data: the
//   collector restarts on the same data directory to serve each; default dashboard/dist)
//   [--data-dir /tmp/dash-1m] (kept: a second run on it skips the back-fill and seeding; its
//   data ends where the first run's back-fill ended, so the last hour empties as time passes)
//   [--api-times 5] (after the first cold load of each page, each of its API calls again,
//   one at a time from Node, that many times: server-side ms and collector CPU per call)
//   [--profile /tmp/prof] (a V8 CPU profile of each page's cold loads, from navigation
//   until the network is quiet, written there as .cpuprofile; prints each load's renderer CPU
//   until then, and for the first the top self times by function and by script. Build with
//   `vite build --minify false` to read the names)
// Also prints, per page, the whole machine's CPU during the cold loads by process kind
// (renderer, browser, GPU and utility processes, collector, the bench itself; Linux /proc).
// Needs the built collector and dashboard (`npm run build`) and Debian's chromium.
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { benchArgs } from './lib/args.mjs';
import { backfillInferences } from './lib/backfill.mjs';
import { ROOT, startCollector } from './lib/collector-process.mjs';
import { seedAlertRules, seedBaselines, seedGpuMetrics, seedTrace } from './lib/dashboard-seed.mjs';
import { machineLine } from './lib/machine.mjs';
import { cpuBetween, cpuSnapshot, KINDS } from './lib/machine-cpu.mjs';
import { fmt, pct } from './lib/otlp-http.mjs';
import {
  apiRequests,
  CHROMIUM,
  haveChromium,
  launchChromium,
  loadBreakdown,
  parallelism,
  rendererTime,
  signedInContext,
  startProfile,
  stopProfile,
  timeLoad,
} from './lib/page-timing.mjs';

const { values: opt } = benchArgs('npm run bench -- dashboard', {
  options: {
    inferences: { type: 'string', default: '1000000' },
    days: { type: 'string', default: '7' },
    runs: { type: 'string', default: '5' },
    ranges: { type: 'string', default: '1h,7d' },
    'gpu-hosts': { type: 'string', default: '16' },
    'gpus-per-host': { type: 'string', default: '2' },
    'gpu-step': { type: 'string', default: '900' },
    distinct: { type: 'string', default: '1000' },
    timeout: { type: 'string', default: '60' },
    pages: { type: 'string', default: '' },
    'collector-args': { type: 'string', default: '' },
    dists: { type: 'string', default: '' },
    'data-dir': { type: 'string', default: '' },
    'api-times': { type: 'string', default: '0' },
    profile: { type: 'string', default: '' },
  },
});
const RUNS = Number(opt.runs);
const PROFILE_DIR = opt.profile ? resolve(opt.profile) : '';
if (PROFILE_DIR) mkdirSync(PROFILE_DIR, { recursive: true });
const TIMEOUT_MS = Number(opt.timeout) * 1000;
const DISTS = opt.dists
  ? opt.dists.split(',').map((d) => resolve(d.trim()))
  : [join(ROOT, 'dashboard', 'dist')];
for (const [what, path] of [
  ['the built collector', join(ROOT, 'collector', 'dist', 'main.js')],
  ...DISTS.map((d) => ['the built dashboard', join(d, 'index.html')]),
]) {
  if (!existsSync(path)) {
    console.error(`${what} is missing (${path}): run \`npm run build\` first`);
    process.exit(2);
  }
}
if (!haveChromium()) {
  console.error(`${CHROMIUM} not found: install it with \`sudo scripts/install-chromium.sh\``);
  process.exit(2);
}

// Charts: a drawn line or area (a curve with a path), a bar, a scatter symbol. Compare has no
// chart (a table of figures and the verdict) and Alerts none until a draft has a threshold:
// for those the first row of their main table, and the preview chart is timed apart.
const CURVE = 'svg.recharts-surface .recharts-line path.recharts-curve[d^="M"]';
const PREVIEW = '[data-testid="preview-chart"] svg.recharts-surface path.recharts-curve[d^="M"]';
const PAGES = [
  { name: 'Overview', path: '/', selector: CURVE, shows: 'line (Requests/Latency)' },
  {
    name: 'Models',
    path: '/models',
    selector: '.sparkline svg path[d^="M"]',
    shows: 'sparkline',
  },
  { name: 'Model', path: '/models/view?model=gpt-4o', selector: CURVE, shows: 'line by version' },
  {
    name: 'Compare',
    path: '/models/compare?model=gpt-4o&a=version%3Av7&b=version%3Av8',
    selector: '[data-testid="compare-table"] tbody tr',
    shows: 'table row (no chart)',
  },
  {
    name: 'Traces',
    path: '/traces',
    selector: '[data-testid="latency-scatter"] svg.recharts-surface .recharts-scatter-symbol',
    shows: 'scatter symbol',
  },
  { name: 'Trace', path: '/traces/view?id=TRACE', selector: CURVE, shows: 'GPU line' },
  { name: 'Infrastructure', path: '/infrastructure', selector: CURVE, shows: 'GPU line' },
  { name: 'Drift', path: '/drift', selector: CURVE, shows: 'score line' },
  {
    name: 'Alerts',
    path: '/alerts',
    selector: '[data-testid="alerts-table"] tbody tr',
    shows: 'table row (no chart)',
  },
];
const ONLY = opt.pages ? opt.pages.split(',').map((p) => p.trim().toLowerCase()) : undefined;
const SELECTORS = [...new Set([...PAGES.map((p) => p.selector), PREVIEW])];
const RANGES = opt.ranges.split(',').map((r) => r.trim());

/**
 * Where the ranges end: null, now (relative ranges, as people open the pages: right after a
 * back-fill); or, on a reused data dir whose back-fill ended over a minute ago, that end, as
 * absolute bounds, so the last hour is the back-fill's last hour and not a part of it.
 */
let anchorMs = null;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** The page's URL with the range (1h relative, the default, adds nothing). */
function pageUrl(base, path, range) {
  const join = path.includes('?') ? '&' : '?';
  if (anchorMs !== null) {
    const m = /^(\d+)([mhd])$/.exec(range);
    if (!m) throw new Error(`--ranges: ${range} is not a number of m, h or d`);
    const from = new Date(anchorMs - Number(m[1]) * UNIT_MS[m[2]]).toISOString();
    return `${base}${path}${join}from=${from}&to=${new Date(anchorMs).toISOString()}`;
  }
  if (range === '1h') return `${base}${path}`;
  return `${base}${path}${join}from=now-${range}&to=now`;
}

const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
console.log(machineLine());

const KEEP = Boolean(opt['data-dir']);
const dataDir = KEEP
  ? resolve(opt['data-dir'])
  : mkdtempSync(join(tmpdir(), 'aiobs-bench-dashboard-'));
if (KEEP) mkdirSync(dataDir, { recursive: true });
/** What a kept data directory already holds (written once it is seeded). */
const SEEDED = join(dataDir, 'seeded.json');
const API_TIMES = Number(opt['api-times']);
/** A distinct label per build: the shortest tail of its path that tells them apart. */
const distLabel = (d) => {
  for (let n = 1; ; n++) {
    const tail = (x) => x.split('/').slice(-n).join('/');
    if (new Set(DISTS.map(tail)).size === DISTS.length || n > 8) return tail(d);
  }
};

/**
 * The collector on the bench's data directory, serving a copy of `dist` (a rebuild during
 * the run would delete the chunks the served index.html names; it reads index.html once).
 */
function serve(dist) {
  const dashboardDir = join(dataDir, 'dashboard');
  rmSync(dashboardDir, { recursive: true, force: true });
  cpSync(dist, dashboardDir, { recursive: true });
  return startCollector({
    dataDir: join(dataDir, 'data'),
    args: ['--dashboard-dir', dashboardDir, ...opt['collector-args'].split(' ').filter(Boolean)],
  });
}
let collector = await serve(DISTS[0]);

async function api(path) {
  const res = await fetch(`${collector.url}${path}`, {
    headers: { authorization: `Bearer ${collector.adminToken}` },
  });
  return { status: res.status, body: await res.json().catch(() => ({})) };
}

/** Polls `check` every 250 ms until it returns true or `ms` passes; says so when it gave up. */
async function waitUntil(what, check, ms = 120_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  console.log(`  (gave up waiting for ${what})`);
}

async function run() {
  if (KEEP && existsSync(SEEDED)) {
    const seeded = JSON.parse(readFileSync(SEEDED, 'utf8'));
    console.log(
      `reusing ${dataDir}: seeded ${new Date(seeded.at).toISOString()} (${fmt(seeded.filled.inferences)} inferences; its last hour ended ${((Date.now() - seeded.at) / 60_000).toFixed(0)} min ago)`,
    );
    if (Date.now() - seeded.at > 60_000) {
      anchorMs = seeded.at;
      console.log(
        '  the ranges end where the back-fill ended (absolute from/to in the URLs), not now',
      );
    }
    return timeBuilds(seeded.traceId, seeded.filled);
  }
  const filled = await backfillInferences(collector, {
    inferences: Number(opt.inferences),
    days: Number(opt.days),
    distinct: Number(opt.distinct),
    spread: true,
  });
  const hosts = Number(opt['gpu-hosts']);
  const perHost = Number(opt['gpus-per-host']);
  const t0 = performance.now();
  const points = await seedGpuMetrics(collector, {
    hosts,
    gpusPerHost: perHost,
    days: Number(opt.days),
    coarseS: Number(opt['gpu-step']),
  });
  const traceId = await seedTrace(collector);
  const rules = await seedAlertRules(collector);
  const models =
    (await api(`/api/v1/models?from=${Date.now() - Number(opt.days) * 86_400_000}`)).body.models ??
    [];
  const baselines = await seedBaselines(
    collector,
    models.map((m) => m.model),
  );
  console.log(
    `seeded: ${fmt(points)} GPU metric points (${hosts} hosts x ${perHost} GPUs, every 10 s over the last hour, every ${opt['gpu-step']} s before), trace ${traceId}, ${rules} alert rules, ${baselines} drift baselines (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
  );
  await waitUntil('the GPUs to be listed', async () => {
    const r = await api('/api/v1/gpus');
    return (r.body.gpus?.length ?? 0) >= hosts * perHost;
  });
  await waitUntil('the trace to be indexed', async () => {
    const r = await api(
      `/api/v1/models/gpu?traceId=${traceId}&from=${Date.now() - 86_400_000}&to=${Date.now()}&step=1m`,
    );
    return r.status === 200 && (r.body.gpus?.length ?? 0) > 0;
  });
  await waitUntil('the alert rules to be evaluated', async () => {
    const r = await api('/api/v1/alerts');
    return (r.body.alerts ?? []).every((a) => a.lastEvaluatedAt);
  });
  if (KEEP) writeFileSync(SEEDED, JSON.stringify({ at: Date.now(), traceId, filled }));
  return timeBuilds(traceId, filled);
}

/** Times the pages with each build of `--dists` in turn, then prints the report. */
async function timeBuilds(traceId, filled) {
  const results = [];
  for (const [d, dist] of DISTS.entries()) {
    if (d > 0) {
      await collector.stop();
      collector = await serve(dist);
    }
    if (DISTS.length > 1) console.log(`build ${distLabel(dist)}`);
    await timePages(results, traceId, DISTS.length > 1 ? distLabel(dist) : '');
  }
  report(results, filled);
}

/**
 * Prints a load's profile summary (`stopProfile`): its total, the renderer's main-thread CPU
 * until the network was quiet (`quiet`, `rendererTime`), and with `detail` the top self times.
 */
function reportProfile(what, file, { totalMs, byFunction, byModule }, quiet, detail) {
  const rows = (xs, n) =>
    xs
      .slice(0, n)
      .map((x) => `    ${x.ms.toFixed(0).padStart(6)} ms  ${x.what}`)
      .join('\n');
  console.log(
    `  profile ${what}: ${totalMs.toFixed(0)} ms of samples (idle left out); renderer until the network was quiet: tasks ${quiet.task.toFixed(0)}, script ${quiet.script.toFixed(0)}, layout+style ${quiet.layout.toFixed(0)} ms; ${file}`,
  );
  if (detail)
    console.log(
      `  by script:\n${rows(byModule, 8)}\n  by function (self):\n${rows(byFunction, 25)}`,
    );
}

/** Times every page (of `--pages`) in every range, cold and warm, into `results`. */
async function timePages(results, traceId, dist) {
  const browser = await launchChromium();
  try {
    for (const range of RANGES) {
      for (const p of PAGES.filter((x) => !ONLY || ONLY.includes(x.name.toLowerCase()))) {
        const url = pageUrl(collector.url, p.path.replace('TRACE', traceId), range);
        const r = {
          dist,
          range,
          page: p,
          cold: [],
          warm: [],
          preview: [],
          scripts: [],
          calls: [],
          apiTimes: [],
          phases: [],
          cpu: [],
          machine: [],
        };
        for (let i = 0; i < RUNS; i++) {
          const context = await signedInContext(
            browser,
            collector.url,
            collector.adminToken,
            SELECTORS,
          );
          try {
            const page = await context.newPage();
            const cdp = await context.newCDPSession(page);
            await cdp.send('Performance.enable');
            const profiling = Boolean(PROFILE_DIR);
            if (profiling) await startProfile(cdp);
            const machine0 = cpuSnapshot(collector.pid);
            let machine;
            const cold = await timeLoad(page, url, p.selector, TIMEOUT_MS, () => {
              machine = cpuBetween(machine0, cpuSnapshot(collector.pid));
            });
            r.cold.push(cold.ms);
            if (cold.ms !== null) {
              r.machine.push(machine);
              r.cpu.push(await rendererTime(cdp));
              r.phases.push(await loadBreakdown(page, cold.ms));
            }
            if (i === 0) {
              r.scripts = cold.scripts;
              // A failed read costs this page's call list, not the rest of the run.
              r.calls = await apiRequests(page).catch((e) => {
                r.note = `API calls not read: ${e.message.split('\n')[0]}`;
                return [];
              });
              if (API_TIMES > 0) r.apiTimes = await timeCalls(r.calls);
              if (cold.ms === null)
                r.note = `timed out showing: ${(
                  await page.evaluate(
                    () => (document.querySelector('main') ?? document.body).textContent ?? '',
                  )
                )
                  .replace(/\s+/g, ' ')
                  .slice(0, 160)}`;
            }
            if (profiling) {
              // The whole load, not only until the first chart: the deferred charts and the
              // answers after it are drawn too. The first run's list of calls waited already.
              if (i > 0) await apiRequests(page).catch(() => []);
              const quiet = await rendererTime(cdp);
              const file = join(PROFILE_DIR, `${p.name}-${range}-${i}-${Date.now()}.cpuprofile`);
              reportProfile(
                `${dist ? `${dist} ` : ''}${range} ${p.name} run ${i + 1}`,
                file,
                await stopProfile(cdp, file),
                quiet,
                i === 0,
              );
            }
            if (p.name === 'Alerts' && cold.ms !== null) r.preview.push(await timePreview(page));
            r.warm.push((await timeLoad(page, url, p.selector, TIMEOUT_MS)).ms);
          } finally {
            await context.close();
          }
        }
        results.push(r);
        console.log(
          `  ${dist ? `${dist} ` : ''}${range} ${p.name}: cold ${r.cold.map(show).join(' ')} | warm ${r.warm.map(show).join(' ')} ms (load ${load()})`,
        );
      }
    }
  } finally {
    await browser.close();
  }
}

/**
 * Each call a page made, again from Node with the admin token, one at a time, `--api-times`
 * times: the median wall ms and collector CPU ms per call (what the collector spends on it,
 * apart from the browser and the other calls).
 */
async function timeCalls(calls) {
  const out = [];
  for (const c of calls) {
    const wall = [];
    const cpu = [];
    let bytes = 0;
    for (let i = 0; i < API_TIMES; i++) {
      const cpu0 = collector.cpuSeconds();
      const t0 = performance.now();
      const res = await fetch(`${collector.url}${c.path}${c.query}`, {
        headers: { authorization: `Bearer ${collector.adminToken}` },
      });
      bytes = (await res.arrayBuffer()).byteLength;
      wall.push(performance.now() - t0);
      cpu.push((collector.cpuSeconds() - cpu0) * 1000);
    }
    out.push({ path: c.path, query: c.query, ms: median(wall), cpu: median(cpu), bytes });
  }
  return out;
}

/** After the Alerts page shows: enters a threshold and times the preview chart (ms). */
async function timePreview(page) {
  const t0 = await page.evaluate(() => performance.now());
  await page.getByLabel(/^Threshold/).fill('1000');
  const at = await page
    .waitForFunction((s) => window.__aiobsMarks?.[s], PREVIEW, { timeout: TIMEOUT_MS, polling: 50 })
    .then((h) => h.jsonValue())
    .catch(() => null);
  return at === null ? null : at - t0;
}

const show = (ms) => (ms === null ? 'timeout' : ms.toFixed(0));
const pp = (xs) => {
  if (xs.some((x) => x === null)) return `${xs.filter((x) => x === null).length} timeout(s)`;
  const s = [...xs].sort((a, b) => a - b);
  return `${pct(s, 50).toFixed(0)} / ${pct(s, 95).toFixed(0)}`;
};

const median = (xs) => {
  const s = xs.filter((x) => x !== null && x !== undefined).sort((a, b) => a - b);
  return s.length ? pct(s, 50) : null;
};
const cell = (v) => (v === null ? '-' : v.toFixed(0)).padStart(7);

/**
 * Where the cold loads' time went (median of the loads that drew a chart, ms from navigation
 * start), and the CPU time they cost: the renderer's main thread (all tasks; script; layout
 * and style); then the whole machine's CPU by process kind, the collector's included.
 */
function reportPhases(results) {
  const cols = [
    ['html', 'html'],
    ['entry js', 'entryJs'],
    ['boot', 'boot'],
    ['main', 'main'],
    ['sess>', 'sessionStart'],
    ['sess<', 'sessionEnd'],
    ['chunks', 'chunks'],
    ['api>', 'apiStart'],
    ['api<', 'apiEnd'],
    ['chart', 'chart'],
  ];
  console.log(
    '\nwhere the cold loads went (median, ms from navigation start): HTML received, entry script received, boot script ran (aiobs:boot), app started (aiobs:main), session check sent / answered, last script received, first data call sent, last data answer (before the chart), first chart; then CPU ms per load: renderer main thread (tasks, of which script, layout+style; the collector is in the whole-machine table below)',
  );
  console.log(
    `  ${'range'.padEnd(5)} ${'page'.padEnd(NAME_WIDTH)}${cols.map(([h]) => h.padStart(7)).join('')}   ${'task'.padStart(6)} ${'script'.padStart(6)} ${'layout'.padStart(6)}`,
  );
  for (const r of results) {
    const phase = cols.map(([, k]) => cell(median(r.phases.map((x) => x[k])))).join('');
    const cpu = ['task', 'script', 'layout']
      .map((k) => cell(median(r.cpu.map((x) => x[k]))).slice(1))
      .join(' ');
    console.log(`  ${r.range.padEnd(5)} ${rowName(r)}${phase}   ${cpu}`);
  }
  console.log(
    `\nthe whole machine during the cold loads (median, from navigation until the first chart): how busy its ${cpus().length} cores were, and CPU ms per process kind (bench: this process, the DevTools client)`,
  );
  console.log(
    `  ${'range'.padEnd(5)} ${'page'.padEnd(NAME_WIDTH)}${'busy'.padStart(7)}${KINDS.map((k) => k.padStart(12)).join('')}`,
  );
  for (const r of results) {
    if (r.machine.length === 0) continue;
    const busy = `${(median(r.machine.map((m) => m.busy)) * 100).toFixed(0)}%`;
    const kinds = KINDS.map((k) =>
      median(r.machine.map((m) => m.ms[k]))
        .toFixed(0)
        .padStart(12),
    );
    console.log(`  ${r.range.padEnd(5)} ${rowName(r)}${busy.padStart(7)}${kinds.join('')}`);
  }
}

/** The scripts of a load, once each by path. */
const unique = (scripts) => [...new Map(scripts.map((x) => [x.path, x])).values()];
const kB = (b) => `${(b / 1000).toFixed(1)} kB`;
const chunk = (path) => path.replace(/^\/assets\//, '');
/** A result's row name: the page, after the build's label when several were timed. */
const rowName = (r) => (r.dist ? `${r.dist} ${r.page.name}` : r.page.name).padEnd(NAME_WIDTH);
const NAME_WIDTH = Math.max(
  15,
  ...DISTS.map((d) => (DISTS.length > 1 ? distLabel(d).length + 16 : 15)),
);

function report(results, filled) {
  console.log(
    `\nfirst chart, ms from navigation start (p50 / p95 of ${RUNS}; cold: new context, warm: the same URL again)`,
  );
  console.log(
    `  ${'range'.padEnd(5)} ${'page'.padEnd(NAME_WIDTH)} ${'waits for'.padEnd(24)} ${'cold'.padStart(13)} ${'warm'.padStart(13)}   API calls: n, first batch, start spread / first call ms`,
  );
  for (const r of results) {
    const par = parallelism(r.calls);
    console.log(
      `  ${r.range.padEnd(5)} ${rowName(r)} ${r.page.shows.padEnd(24)} ${pp(r.cold).padStart(13)} ${pp(r.warm).padStart(13)}   ${par.calls}, ${par.batch}, ${par.spreadMs.toFixed(0)} / ${par.firstMs.toFixed(0)}${r.note ? `  [${r.note}]` : ''}`,
    );
    if (r.preview.length)
      console.log(
        `  ${''.padEnd(5)} ${'  preview'.padEnd(NAME_WIDTH)} ${'preview line, from input'.padEnd(24)} ${pp(r.preview).padStart(13)}`,
      );
  }

  reportPhases(results);

  console.log(
    '\nAPI calls of each page (first cold load, 1st range): start..end ms from navigation start',
  );
  for (const r of results.filter((x) => x.range === RANGES[0])) {
    const calls = r.calls
      .map((c) => `${c.path.replace('/api/v1/', '')} ${c.start.toFixed(0)}..${c.end.toFixed(0)}`)
      .join(', ');
    console.log(`  ${rowName(r).trim()}: ${calls || '(none)'}`);
  }

  if (API_TIMES > 0) {
    console.log(
      `\neach API call again from Node, one at a time (median of ${API_TIMES}: wall ms, collector CPU ms, bytes), 1st range`,
    );
    for (const r of results.filter((x) => x.range === RANGES[0])) {
      console.log(`  ${rowName(r).trim()}:`);
      for (const c of r.apiTimes)
        console.log(
          `    ${c.ms.toFixed(0).padStart(6)} ${c.cpu.toFixed(0).padStart(6)} ${String(c.bytes).padStart(8)}  ${c.path.replace('/api/v1/', '')}${c.query}`,
        );
    }
  }

  // Scripts: of each build apart; the first build's are listed.
  const mine = results.filter((r) => r.dist === results[0]?.dist);
  const first = mine.find((r) => r.page.name === 'Overview' && r.range === RANGES[0]);
  const entry = first ? unique(first.scripts) : [];
  if (first) {
    const total = entry.reduce((s, x) => s + x.gz, 0);
    const served = entry.reduce((s, x) => s + x.bytes, 0);
    console.log(
      `\nJavaScript the Overview page loads: ${kB(total)} gzipped (level 9), ${entry.length} files (goal < 300 kB: ${total < 300_000 ? 'met' : 'not met'}); ${kB(served)} as built`,
    );
    for (const x of entry)
      console.log(
        `  ${chunk(x.path).padEnd(36)} ${kB(x.gz).padStart(10)} ${kB(x.bytes).padStart(10)}`,
      );
  }
  console.log(
    `\nchunks each page loads${first ? ' beyond the Overview page' : ''} (gzipped, cold load)`,
  );
  const shared = new Set(entry.map((x) => x.path));
  for (const r of mine.filter((x) => x.range === RANGES[0] && x.page.name !== 'Overview')) {
    const own = unique(r.scripts).filter((x) => !shared.has(x.path));
    const sum = own.reduce((s, x) => s + x.gz, 0);
    console.log(
      `  ${r.page.name.padEnd(15)} ${kB(sum).padStart(9)}  ${own.map((x) => `${chunk(x.path)} ${kB(x.gz)}`).join(', ')}`,
    );
  }

  console.log('\nsummary');
  console.log(
    `  stored: ${fmt(filled.spans)} spans (${fmt(filled.inferences)} inferences over ${opt.days} days); load ${load()} at the end`,
  );
  const goal = filled.inferences >= 5_000_000 ? 3000 : 1500;
  for (const [range, dist] of RANGES.flatMap((x) =>
    [...new Set(results.map((r) => r.dist))].map((d) => [x, d]),
  )) {
    const rs = results.filter((r) => r.range === range && r.dist === dist);
    const worst = rs
      .map((r) => ({
        name: r.page.name,
        p95: pct(
          r.cold.map((x) => x ?? Infinity).sort((a, b) => a - b),
          95,
        ),
      }))
      .sort((a, b) => b.p95 - a.p95)[0];
    const over = rs
      .filter((r) => r.cold.some((x) => x === null || x >= goal))
      .map((r) => r.page.name);
    console.log(
      `  ${dist ? `${dist} ` : ''}${range}: slowest cold p95 ${worst.name} ${show(worst.p95 === Infinity ? null : worst.p95)} ms; pages with a cold load at or over ${goal} ms: ${over.join(', ') || 'none'}`,
    );
  }
}

try {
  await run();
} finally {
  await collector.stop();
  if (!KEEP) rmSync(dataDir, { recursive: true, force: true });
}
