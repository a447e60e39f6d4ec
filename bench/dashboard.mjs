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
// Needs the built collector and dashboard (`npm run build`) and Debian's chromium.
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { backfillInferences } from './lib/backfill.mjs';
import { ROOT, startCollector } from './lib/collector-process.mjs';
import { seedAlertRules, seedBaselines, seedGpuMetrics, seedTrace } from './lib/dashboard-seed.mjs';
import { fmt, pct } from './lib/otlp-http.mjs';
import {
  apiRequests,
  CHROMIUM,
  haveChromium,
  launchChromium,
  parallelism,
  signedInContext,
  timeLoad,
} from './lib/page-timing.mjs';

const { values: opt } = parseArgs({
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
  },
});
const RUNS = Number(opt.runs);
const TIMEOUT_MS = Number(opt.timeout) * 1000;
const DIST = join(ROOT, 'dashboard', 'dist');
for (const [what, path] of [
  ['the built collector', join(ROOT, 'collector', 'dist', 'main.js')],
  ['the built dashboard', join(DIST, 'index.html')],
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
    selector: '.sparkline svg.recharts-surface path.recharts-curve[d^="M"]',
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

/** The page's URL with the range (1h, the default, adds nothing). */
function pageUrl(base, path, range) {
  if (range === '1h') return `${base}${path}`;
  return `${base}${path}${path.includes('?') ? '&' : '?'}from=now-${range}&to=now`;
}

const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
console.log(
  `machine: ${cpus().length} cores (${cpus()[0]?.model}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load ${load()}`,
);

const dataDir = mkdtempSync(join(tmpdir(), 'aiobs-bench-dashboard-'));
// A copy of the build: a rebuild during the run would delete the chunks the served
// index.html names.
const dashboardDir = join(dataDir, 'dashboard');
cpSync(DIST, dashboardDir, { recursive: true });
const collector = await startCollector({
  dataDir: join(dataDir, 'data'),
  args: ['--dashboard-dir', dashboardDir, ...opt['collector-args'].split(' ').filter(Boolean)],
});

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

  const browser = await launchChromium();
  const results = [];
  try {
    for (const range of RANGES) {
      for (const p of PAGES.filter((x) => !ONLY || ONLY.includes(x.name.toLowerCase()))) {
        const url = pageUrl(collector.url, p.path.replace('TRACE', traceId), range);
        const r = { range, page: p, cold: [], warm: [], preview: [], scripts: [], calls: [] };
        for (let i = 0; i < RUNS; i++) {
          const context = await signedInContext(
            browser,
            collector.url,
            collector.adminToken,
            SELECTORS,
          );
          try {
            const page = await context.newPage();
            const cold = await timeLoad(page, url, p.selector, TIMEOUT_MS);
            r.cold.push(cold.ms);
            if (i === 0) {
              r.scripts = cold.scripts;
              r.calls = await apiRequests(page);
              if (cold.ms === null)
                r.note = (
                  await page.evaluate(
                    () => (document.querySelector('main') ?? document.body).textContent ?? '',
                  )
                )
                  .replace(/\s+/g, ' ')
                  .slice(0, 160);
            }
            if (p.name === 'Alerts' && cold.ms !== null) r.preview.push(await timePreview(page));
            r.warm.push((await timeLoad(page, url, p.selector, TIMEOUT_MS)).ms);
          } finally {
            await context.close();
          }
        }
        results.push(r);
        console.log(
          `  ${range} ${p.name}: cold ${r.cold.map(show).join(' ')} | warm ${r.warm.map(show).join(' ')} ms (load ${load()})`,
        );
      }
    }
  } finally {
    await browser.close();
  }
  report(results, filled);
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

/** The scripts of a load, once each by path. */
const unique = (scripts) => [...new Map(scripts.map((x) => [x.path, x])).values()];
const kB = (b) => `${(b / 1000).toFixed(1)} kB`;
const chunk = (path) => path.replace(/^\/assets\//, '');

function report(results, filled) {
  console.log(
    `\nfirst chart, ms from navigation start (p50 / p95 of ${RUNS}; cold: new context, warm: the same URL again)`,
  );
  console.log(
    `  ${'range'.padEnd(5)} ${'page'.padEnd(15)} ${'waits for'.padEnd(24)} ${'cold'.padStart(13)} ${'warm'.padStart(13)}   API calls: n, first batch, start spread / first call ms`,
  );
  for (const r of results) {
    const par = parallelism(r.calls);
    console.log(
      `  ${r.range.padEnd(5)} ${r.page.name.padEnd(15)} ${r.page.shows.padEnd(24)} ${pp(r.cold).padStart(13)} ${pp(r.warm).padStart(13)}   ${par.calls}, ${par.batch}, ${par.spreadMs.toFixed(0)} / ${par.firstMs.toFixed(0)}${r.note ? `  [timed out showing: ${r.note}]` : ''}`,
    );
    if (r.preview.length)
      console.log(
        `  ${''.padEnd(5)} ${'  preview'.padEnd(15)} ${'preview line, from input'.padEnd(24)} ${pp(r.preview).padStart(13)}`,
      );
  }

  console.log(
    '\nAPI calls of each page (first cold load, 1st range): start..end ms from navigation start',
  );
  for (const r of results.filter((x) => x.range === RANGES[0])) {
    const calls = r.calls
      .map((c) => `${c.path.replace('/api/v1/', '')} ${c.start.toFixed(0)}..${c.end.toFixed(0)}`)
      .join(', ');
    console.log(`  ${r.page.name}: ${calls || '(none)'}`);
  }

  const first = results.find((r) => r.page.name === 'Overview' && r.range === RANGES[0]);
  const entry = first ? unique(first.scripts) : [];
  if (first) {
    const total = entry.reduce((s, x) => s + x.gz, 0);
    const served = entry.reduce((s, x) => s + x.bytes, 0);
    console.log(
      `\nJavaScript the Overview page loads: ${kB(total)} gzipped (level 9), ${entry.length} files (goal < 300 kB: ${total < 300_000 ? 'met' : 'not met'}); served uncompressed: ${kB(served)}`,
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
  for (const r of results.filter((x) => x.range === RANGES[0] && x.page.name !== 'Overview')) {
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
  for (const range of RANGES) {
    const rs = results.filter((r) => r.range === range);
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
      `  ${range}: slowest cold p95 ${worst.name} ${show(worst.p95 === Infinity ? null : worst.p95)} ms; pages with a cold load at or over ${goal} ms: ${over.join(', ') || 'none'}`,
    );
  }
}

try {
  await run();
} finally {
  await collector.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
