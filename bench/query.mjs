#!/usr/bin/env node
// Model-analytics query benchmark (issue 8, item 9): back-fills GenAI inference spans with
// start times spread over `--days` through the collector's OTLP/HTTP protobuf endpoint, then
// times every Models API call for ranges from 15 minutes to 7 days (p50/p95). Then ingest at
// `--rate` spans/s open loop: alone, with an overview client polling every 5 s (the ack p99
// goal: within 1.5x of alone), and with the whole call matrix back to back on top.
// Usage: npm run bench -- query [--spans 10000000] [--days 7] [--rounds 10] [--rate 10000] [--seconds 30]
// [--repeat 1] (alone / with-overview pairs, alternated; medians printed) [--phases idle,ack,loaded]
// [--collector-args "--flag value ..."] (extra collector flags, to compare settings)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchArgs } from './lib/args.mjs';
import { startCollector } from './lib/collector-process.mjs';
import { encodeRequest, encodeRequests } from './lib/genai-spans.mjs';
import { machineLine } from './lib/machine.mjs';
import { createOtlpSender, fmt, pct } from './lib/otlp-http.mjs';
import { firstTraceIdAt } from './lib/trace-id-at.mjs';

const { values: opt } = benchArgs('npm run bench -- query', {
  options: {
    spans: { type: 'string', default: '10000000' },
    days: { type: 'string', default: '7' },
    rounds: { type: 'string', default: '10' },
    rate: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '30' },
    distinct: { type: 'string', default: '1000' },
    repeat: { type: 'string', default: '1' },
    phases: { type: 'string', default: 'idle,ack,loaded' },
    'collector-args': { type: 'string', default: '' },
  },
});
const PHASES = new Set(opt.phases.split(','));
const REPEAT = Number(opt.repeat);
const SPANS = Number(opt.spans);
const DAYS = Number(opt.days);
const ROUNDS = Number(opt.rounds);
const RATE = Number(opt.rate);
const SECONDS = Number(opt.seconds);
// Encoding is the slow part (~25k spans/s with the OTel serializer): encode `distinct`
// requests of 500 spans at start times spread evenly over the days, and send each one as
// often as it takes to reach `--spans`. Copies share start times (and span ids); the
// rollups and typed rows count each copy, so row counts per range are as with unique spans.
const PER_REQUEST = 500;
const DISTINCT = Math.max(1, Math.min(Number(opt.distinct), Math.ceil(SPANS / PER_REQUEST)));

const MIN = 60_000;
const RANGES = [
  ['15m', 15 * MIN],
  ['1h', 60 * MIN],
  ['6h', 360 * MIN],
  ['24h', 1440 * MIN],
  ['7d', 7 * 1440 * MIN],
];

console.log(machineLine());
const now = Date.now();
const spanMs = DAYS * 1440 * MIN;
console.log(`encoding ${DISTINCT} back-fill requests of ${PER_REQUEST} spans over ${DAYS} days...`);
const t0enc = performance.now();
const backfill = Array.from({ length: DISTINCT }, (_, i) =>
  // Seed i: services, hosts, models rotate; the last request ends a few seconds before now.
  encodeRequest(PER_REQUEST, now - spanMs + ((i + 0.5) * spanMs) / DISTINCT - 5_000, i),
);
console.log(`  ${((performance.now() - t0enc) / 1000).toFixed(1)} s`);
const live = encodeRequests(100);
// The collector stores a byte-identical body once (a resend): each send writes a counter into
// the first trace id of a copy, so every send is a request of its own.
let sends = 0;
const idAt = new Map();
const unique = (body) => {
  if (!idAt.has(body)) idAt.set(body, firstTraceIdAt(body));
  const copy = Buffer.from(body);
  copy.writeUInt32BE(sends++ >>> 0, idAt.get(body));
  return copy;
};

const dataDir = mkdtempSync(join(tmpdir(), 'aiobs-bench-query-'));
const collector = await startCollector({
  dataDir,
  args: opt['collector-args'].split(' ').filter(Boolean),
});
const send = createOtlpSender(collector, { maxSockets: 64 });

/** One read API call; resolves with latency, throws on a non-200 answer. */
async function get(path) {
  const t0 = performance.now();
  const res = await fetch(`${collector.url}${path}`, {
    headers: { authorization: `Bearer ${collector.adminToken}` },
  });
  const text = await res.text();
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${text.slice(0, 200)}`);
  return ms;
}

// Back-fill: 32 closed-loop clients, 503s retried after a short pause (backpressure).
console.log(`back-fill: ${fmt(SPANS)} spans through OTLP/HTTP protobuf...`);
const totalRequests = Math.ceil(SPANS / PER_REQUEST);
let nextReq = 0;
let refused = 0;
const tFill = performance.now();
let lastLog = tFill;
await Promise.all(
  Array.from({ length: 32 }, async () => {
    while (nextReq < totalRequests) {
      const i = nextReq++;
      for (;;) {
        const r = await send(unique(backfill[i % DISTINCT]));
        if (r.status === 200) break;
        refused++;
        await new Promise((res) => setTimeout(res, 50));
      }
      if (performance.now() - lastLog > 15_000) {
        lastLog = performance.now();
        console.log(`  ${fmt(i * PER_REQUEST)} spans sent`);
      }
    }
  }),
);
const fillS = (performance.now() - tFill) / 1000;
console.log(
  `  ${fmt(SPANS)} spans in ${fillS.toFixed(0)} s (${fmt(SPANS / fillS)} spans/s, ${refused} x 503 retried)`,
);
// Wait until every acknowledged span is stored (the collector batches asynchronously).
for (let i = 0; i < 600; i++) {
  const n = Number((await collector.query('SELECT count() AS n FROM otel_traces'))[0].n);
  if (n >= totalRequests * PER_REQUEST) break;
  await new Promise((r) => setTimeout(r, 500));
}
const stored = await collector.query(
  'SELECT count() AS n, min(Timestamp) AS a, max(Timestamp) AS b FROM otel_traces',
);
console.log(`  stored: ${fmt(Number(stored[0].n))} spans, ${stored[0].a} .. ${stored[0].b}`);

/** The calls of the Models API for a range ending now (`fromMs`..`toMs`). */
function calls(fromMs, toMs) {
  const r = `from=${fromMs}&to=${toMs}`;
  const windowMs = Math.min(toMs - fromMs, 1440 * MIN);
  return [
    ['models', `/api/v1/models?${r}`],
    [
      'series',
      `/api/v1/models/series?${r}&metric=requests,errorRate,latencyP50,latencyP95,latencyP99,ttftP50,ttftP95,tokensPerS,cost`,
    ],
    ['series by version', `/api/v1/models/series?${r}&model=gpt-4o&groupBy=version`],
    ['compare', `/api/v1/models/compare?${r}&model=gpt-4o&a=version:v7&b=version:v8`],
    ['slowest', `/api/v1/models/slowest?${r}&limit=10`],
    ['changes', `/api/v1/changes?${r}`],
    ['gpu', `/api/v1/models/gpu?${r}&model=gpt-4o`],
    ['scaling (window)', `/api/v1/scaling?model=gpt-4o&window=${windowMs / MIN}m`],
  ];
}

/** Every call x range, `rounds` times, one call at a time; returns sorted latencies by key. */
async function matrix(rounds) {
  const lat = new Map();
  for (let round = 0; round < rounds; round++) {
    for (const [label, ms] of RANGES) {
      const toMs = Date.now();
      for (const [name, path] of calls(toMs - ms, toMs)) {
        const key = `${name}\t${label}`;
        if (!lat.has(key)) lat.set(key, []);
        lat.get(key).push(await get(path));
      }
    }
  }
  for (const v of lat.values()) v.sort((a, b) => a - b);
  return lat;
}

function printMatrix(title, lat) {
  console.log(`\n${title}`);
  console.log(`  ${'call'.padEnd(18)} ${RANGES.map(([l]) => l.padStart(15)).join(' ')}`);
  const names = [...new Set([...lat.keys()].map((k) => k.split('\t')[0]))];
  let worst = { p95: 0, key: '' };
  for (const name of names) {
    const cells = RANGES.map(([l]) => {
      const v = lat.get(`${name}\t${l}`);
      const p95 = pct(v, 95);
      if (p95 > worst.p95) worst = { p95, key: `${name} ${l}` };
      return `${pct(v, 50).toFixed(0)}/${p95.toFixed(0)}`.padStart(15);
    });
    console.log(`  ${name.padEnd(18)} ${cells.join(' ')}`);
  }
  console.log(`  (p50/p95 ms; slowest p95: ${worst.key} ${worst.p95.toFixed(0)} ms)`);
}

console.log(`\nwarm-up: one round`);
await matrix(1);
if (PHASES.has('idle')) printMatrix(`idle: ${ROUNDS} rounds, p50/p95 ms`, await matrix(ROUNDS));

/** Open-loop ingest of live spans at `RATE` spans/s until `stop()`; ack latencies. */
function ingestAtRate() {
  const lat = [];
  let bad = 0;
  let running = true;
  const pending = [];
  const done = (async () => {
    const t0 = performance.now();
    let due = t0;
    let i = 0;
    while (running) {
      const r = live[i++ % live.length];
      const wait = due - performance.now();
      if (wait > 1) await new Promise((res) => setTimeout(res, wait));
      due += (r.spans / RATE) * 1000;
      pending.push(
        send(unique(r.body)).then((res) => {
          if (res.status === 200) lat.push(res.ms);
          else bad++;
        }),
      );
    }
    await Promise.all(pending);
    lat.sort((a, b) => a - b);
    return { p50: pct(lat, 50), p99: pct(lat, 99), n: lat.length, bad };
  })();
  return {
    stop() {
      running = false;
      return done;
    },
  };
}

/** The overview page's calls (last 24 h) every 5 s until `stop()`. */
function overviewClient() {
  let running = true;
  const lat = [];
  const done = (async () => {
    while (running) {
      const t0 = performance.now();
      const toMs = Date.now();
      const r = `from=${toMs - 1440 * MIN}&to=${toMs}`;
      await Promise.all([
        get(`/api/v1/models?${r}`),
        get(
          `/api/v1/models/series?${r}&metric=requests,errorRate,latencyP50,latencyP95,latencyP99,ttftP50,ttftP95,tokensPerS,cost`,
        ),
        get(`/api/v1/models/slowest?${r}&limit=10`),
        get(`/api/v1/changes?${r}`),
      ]);
      lat.push(performance.now() - t0);
      const wait = 5000 - (performance.now() - t0);
      if (running && wait > 0) await new Promise((res) => setTimeout(res, wait));
    }
    lat.sort((a, b) => a - b);
    return lat;
  })();
  return {
    stop() {
      running = false;
      return done;
    },
  };
}

const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor((xs.length - 1) / 2)];
const alones = [];
const overviews = [];
for (let k = 0; k < (PHASES.has('ack') ? REPEAT : 0); k++) {
  console.log(
    `\ningest alone: ${fmt(RATE)} spans/s open loop, ${SECONDS} s (pair ${k + 1}/${REPEAT})`,
  );
  const alone = ingestAtRate();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const ackAlone = await alone.stop();
  alones.push(ackAlone.p99);
  console.log(
    `  ack p50 ${ackAlone.p50.toFixed(1)} ms, p99 ${ackAlone.p99.toFixed(1)} ms (${ackAlone.n} requests, ${ackAlone.bad} refused)`,
  );

  console.log(`ingest at ${fmt(RATE)} spans/s + overview client every 5 s, ${SECONDS} s`);
  const withOverview = ingestAtRate();
  const overviewOnly = overviewClient();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const overviewOnlyLat = await overviewOnly.stop();
  const ackOverview = await withOverview.stop();
  overviews.push(ackOverview.p99);
  console.log(
    `  ack p50 ${ackOverview.p50.toFixed(1)} ms, p99 ${ackOverview.p99.toFixed(1)} ms (${ackOverview.n} requests, ${ackOverview.bad} refused); overview page (4 calls in parallel, 24 h) p50 ${pct(overviewOnlyLat, 50).toFixed(0)} ms, max ${overviewOnlyLat.at(-1)?.toFixed(0)} ms over ${overviewOnlyLat.length} loads`,
  );
}
const ackAlone = { p99: median(alones) };
const ackOverview = { p99: median(overviews) };
if (!PHASES.has('loaded')) {
  if (alones.length)
    console.log(
      `\nsummary\n  ingest ack p99 at ${fmt(RATE)} spans/s, median of ${alones.length}: ${ackAlone.p99.toFixed(1)} ms alone, ${ackOverview.p99.toFixed(1)} ms with the overview polling (${(ackOverview.p99 / ackAlone.p99).toFixed(2)}x; goal <= 1.5x); pairs: ${alones.map((x, i) => `${x.toFixed(0)}/${overviews[i].toFixed(0)}`).join(', ')}`,
    );
  await collector.stop();
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
}

console.log(
  `\ningest at ${fmt(RATE)} spans/s + overview client every 5 s + the query matrix back to back (${ROUNDS} rounds)`,
);
const loaded = ingestAtRate();
const overview = overviewClient();
const busy = await matrix(ROUNDS);
const overviewLat = await overview.stop();
const ackLoaded = await loaded.stop();
printMatrix(`under ingest at ${fmt(RATE)} spans/s + overview polling: p50/p95 ms`, busy);
console.log(
  `  ingest ack p50 ${ackLoaded.p50.toFixed(1)} ms, p99 ${ackLoaded.p99.toFixed(1)} ms (${ackLoaded.n} requests, ${ackLoaded.bad} refused); overview page p50 ${pct(overviewLat, 50).toFixed(0)} ms, max ${overviewLat.at(-1)?.toFixed(0)} ms over ${overviewLat.length} loads`,
);

console.log('\nsummary');
console.log(`  spans stored: ${fmt(Number(stored[0].n))} over ${DAYS} days`);
console.log(
  `  ingest ack p99 at ${fmt(RATE)} spans/s (median of ${alones.length}): ${ackAlone.p99.toFixed(1)} ms alone, ${ackOverview.p99.toFixed(1)} ms with the overview polling (${(ackOverview.p99 / ackAlone.p99).toFixed(2)}x; goal <= 1.5x), ${ackLoaded.p99.toFixed(1)} ms with the query matrix back to back as well (${(ackLoaded.p99 / ackAlone.p99).toFixed(2)}x)`,
);
await collector.stop();
rmSync(dataDir, { recursive: true, force: true });
