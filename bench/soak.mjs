#!/usr/bin/env node
// Overload and soak benchmark (issue 13, item 6). A collector process (embedded engine, or
// with --store server the ClickHouse HTTP fixture in a process of its own) takes GenAI span
// exports over OTLP/HTTP protobuf; every send carries span ids of its own (bench/lib/otlp-stamp):
//   A. the maximum sustainable rate: --clients senders, closed loop, --probe-seconds
//      (or the --rate given, in spans/s);
//   B. twice that rate, open loop, for --overload-seconds: 2xx and 503 (with Retry-After)
//      counts, the collector's RSS every second beside --max-pending-bytes (the write path's
//      budget) and --max-rss-bytes (the process's memory bound, when given), then, as the load drops to
//      half rate: first 2xx, last 503, time until the backlog drained;
//   C. half the rate, open loop, for --soak-seconds: RSS and ack p50/p99 per report
//      interval, and the slope of RSS and of ack latency over the last two thirds.
// Then every acknowledged span is looked up by id in otel_traces, and the bytes per span on
// disk of every table are read from system.parts. Prints figures, asserts nothing.
// Usage: npm run bench -- soak [--rate N] [--overload-seconds 300] [--soak-seconds 1800]
//   [--probe-seconds 20] [--clients 32] [--spans-per-request 500] [--max-pending-bytes B]
//   [--max-rss-bytes B]
//   [--report-seconds 60] [--store embedded|server] [--optimize] [--fresh]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { benchArgs } from './lib/args.mjs';
import { ROOT, startCollector } from './lib/collector-process.mjs';
import { encodeRequest } from './lib/genai-spans.mjs';
import { machineLine } from './lib/machine.mjs';
import { createOtlpSender, fmt } from './lib/otlp-http.mjs';
import { seqHex, stamp, stampTemplate } from './lib/otlp-stamp.mjs';
import {
  intervalPercentiles,
  linearFit,
  procCpuSeconds,
  procMemory,
  summarize,
  theilSenFit,
} from './lib/soak-stats.mjs';

const { values: opt } = benchArgs('npm run bench -- soak', {
  options: {
    rate: { type: 'string' },
    'probe-seconds': { type: 'string', default: '20' },
    'overload-seconds': { type: 'string', default: '300' },
    'soak-seconds': { type: 'string', default: '1800' },
    'report-seconds': { type: 'string', default: '60' },
    clients: { type: 'string', default: '32' },
    'spans-per-request': { type: 'string', default: '500' },
    // Passed to the collector (--max-pending-bytes); unset: the collector's default, 64 MiB.
    'max-pending-bytes': { type: 'string' },
    // Passed to the collector (--max-rss-bytes); unset: no memory bound outside a container.
    'max-rss-bytes': { type: 'string' },
    // Open-loop requests past this many in flight are skipped (counted) by the client.
    'max-in-flight': { type: 'string', default: '512' },
    store: { type: 'string', default: 'embedded' },
    optimize: { type: 'boolean', default: false },
    // Encode every send anew (random ids and attribute values throughout, as real traffic
    // has) instead of re-stamping 50 templates, whose repeats flatter the bytes on disk.
    fresh: { type: 'boolean', default: false },
  },
});
const CLIENTS = Number(opt.clients);
const MAX_PENDING = Number(opt['max-pending-bytes'] ?? 64 * 1024 * 1024);
const MAX_RSS = opt['max-rss-bytes'] ? Number(opt['max-rss-bytes']) : undefined;
const MAX_IN_FLIGHT = Number(opt['max-in-flight']);
const REPORT_MS = Number(opt['report-seconds']) * 1000;
const MiB = 2 ** 20;
const mib = (b) => (b / MiB).toFixed(0);
const load = () => loadavg()[0].toFixed(1);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

console.log(machineLine());
// 50 templates of one size, re-stamped per send (ids and times), with the feature mix.
const templates = [];
for (let i = 0; templates.length < 50; i++) {
  try {
    templates.push(stampTemplate(encodeRequest(Number(opt['spans-per-request']), Date.now(), i)));
  } catch {
    // two span ids of one body end alike (about 1 in 30,000 bodies): draw another
  }
}
/** A newly encoded request of the templates' size (`--fresh`). */
function freshTemplate(i) {
  for (;;) {
    try {
      return stampTemplate(encodeRequest(Number(opt['spans-per-request']), Date.now(), i));
    } catch {
      // as above: draw another
    }
  }
}
const bodyBytes = templates.reduce((a, t) => a + t.body.length, 0);
const spansPer = templates[0].spans;
console.log(
  `${templates.length} request templates of ${spansPer} spans, ${(bodyBytes / templates.length / spansPer).toFixed(0)} bytes/span`,
);

const dataDir = mkdtempSync(join(tmpdir(), 'aiobs-soak-'));
let store;
if (opt.store === 'server') store = await startStore(join(dataDir, 'store'));
/** The collector's warnings and errors by message: what lies behind a failed connection. */
const logCounts = new Map();
const collector = await startCollector({
  dataDir,
  args: [
    ...(opt['max-pending-bytes'] ? ['--max-pending-bytes', opt['max-pending-bytes']] : []),
    ...(MAX_RSS ? ['--max-rss-bytes', String(MAX_RSS)] : []),
  ],
  env: store ? { CLICKHOUSE_URL: store.url } : {},
  onLog(line) {
    try {
      const m = JSON.parse(line);
      if (m.level >= 40) logCounts.set(m.msg, (logCounts.get(m.msg) ?? 0) + 1);
    } catch {}
  },
});
const rssOf = (pid) => procMemory(pid).rss;
const cpuNow = () => ({
  collector: procCpuSeconds(collector.pid),
  store: store ? procCpuSeconds(store.pid) : 0,
  bench: process.cpuUsage(),
  at: performance.now(),
});
console.log(
  `collector pid ${collector.pid} (${opt.store} store${store ? `, fixture pid ${store.pid}` : ''}), --max-pending-bytes ${mib(MAX_PENDING)} MiB, --max-rss-bytes ${MAX_RSS ? `${mib(MAX_RSS)} MiB` : 'unset'}, RSS at start ${mib(rssOf(collector.pid))} MiB, load ${load()}`,
);

/** One export; resolves with status (0 on a socket error), latency and Retry-After. */
// Idle sockets are dropped before the collector's keep-alive timeout (5 s), as a client
// should: otherwise a few sends per minute take a socket as the collector closes it.
const send = createOtlpSender(collector, { maxSockets: 1024, idleTimeoutMs: 4000 });

/** Every send: {seq, spans, phase, t0, status (-1 until answered), ms, retryAfter}. */
const reqs = [];
let seq = 0;
let inFlight = 0;
function sendOne(tpl, phase) {
  const r = { seq: ++seq, spans: tpl.spans, phase, t0: performance.now(), status: -1, ms: 0 };
  reqs.push(r);
  inFlight++;
  return send(stamp(opt.fresh ? freshTemplate(r.seq) : tpl, r.seq)).then((res) => {
    inFlight--;
    Object.assign(r, res);
  });
}

async function closedLoop(seconds, phase) {
  const end = performance.now() + seconds * 1000;
  let i = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (performance.now() < end) await sendOne(templates[i++ % templates.length], phase);
    }),
  );
}

/** Starts sends on schedule at `rate` spans/s for `seconds`; resolves once all are sent. */
async function openLoop(seconds, rate, phase, pending) {
  const t0 = performance.now();
  let due = t0;
  let skipped = 0;
  for (let i = 0; due < t0 + seconds * 1000; i++) {
    const tpl = templates[i % templates.length];
    const wait = due - performance.now();
    // Behind schedule, still yield: answers, samples and reports must run meanwhile.
    await (wait > 1 ? sleep(wait) : new Promise(setImmediate));
    due += (tpl.spans / rate) * 1000;
    if (inFlight >= MAX_IN_FLIGHT) skipped++;
    else pending.push(sendOne(tpl, phase));
  }
  return skipped;
}

// RSS and the write path's bytes (pending rows + bodies being read) every second.
const samples = [];
let phaseNow = 'A';
let lastIngest = { pendingBytes: 0, reservedBytes: 0 };
let healthBusy = false;
async function health() {
  const res = await fetch(`${collector.url}/api/v1/health`);
  const h = await res.json();
  lastIngest = h.ingest;
  return h.ingest.pendingBytes + h.ingest.reservedBytes;
}
// The engine's active parts (all tables) and merges running, from /metrics every 10 s: a
// latency trend in C may follow the merge backlog B left behind.
let engine = { parts: NaN, merges: NaN };
const engineSamples = [];
async function readEngine() {
  const res = await fetch(`${collector.url}/metrics`, {
    headers: { authorization: `Bearer ${collector.adminToken}` },
  });
  const text = await res.text();
  const sum = (name) =>
    text
      .split('\n')
      .filter((l) => l.startsWith(name))
      .reduce((a, l) => a + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  engine = { parts: sum('aiobs_engine_active_parts'), merges: sum('aiobs_engine_merges_running') };
  engineSamples.push({ t: performance.now(), ...engine });
}
const engineSampler = setInterval(() => void readEngine().catch(() => undefined), 10_000);
const sampler = setInterval(() => {
  samples.push({
    t: performance.now(),
    phase: phaseNow,
    rss: rssOf(collector.pid),
    storeRss: store ? rssOf(store.pid) : 0,
    held: lastIngest.pendingBytes + lastIngest.reservedBytes,
  });
  if (healthBusy) return;
  healthBusy = true;
  health()
    .catch(() => undefined)
    .finally(() => {
      healthBusy = false;
    });
}, 1000);

/** Prints one line for the requests started and answered since `from` (a report interval). */
function intervalLine(label, from, to, cpu0) {
  const started = reqs.filter((r) => r.t0 >= from && r.t0 < to);
  const answered = reqs.filter((r) => r.status >= 0 && r.t0 + r.ms >= from && r.t0 + r.ms < to);
  const s = summarize(answered, (to - from) / 1000);
  const inS = samples.filter((x) => x.t >= from && x.t < to);
  const cpu1 = cpuNow();
  const el = (cpu1.at - cpu0.at) / 1000;
  console.log(
    `  [${label}] offered ${fmt(started.reduce((a, r) => a + r.spans, 0) / ((to - from) / 1000))} spans/s, acked ${fmt(s.ackRate)}, 503 ${s.refused} (no Retry-After ${s.noRetryAfter}), other ${s.other}, ack p50/p99 ${s.p50.toFixed(0)}/${s.p99.toFixed(0)} ms, RSS max ${mib(Math.max(0, ...inS.map((x) => x.rss)))} MiB, held max ${mib(Math.max(0, ...inS.map((x) => x.held)))} MiB, ${engineLine(from, to)}, collector CPU ${(((cpu1.collector - cpu0.collector) / el) * 100).toFixed(0)}%${store ? `, store CPU ${(((cpu1.store - cpu0.store) / el) * 100).toFixed(0)}%` : ''}, load ${load()}`,
  );
  return cpu1;
}

/** The engine's parts (max) and merges running (mean) sampled between `from` and `to`. */
function engineLine(from, to) {
  const e = engineSamples.filter((x) => x.t >= from && x.t < to);
  if (!e.length) return 'parts ?';
  const merges = e.reduce((a, x) => a + x.merges, 0) / e.length;
  return `parts max ${Math.max(...e.map((x) => x.parts))}, merges ${merges.toFixed(1)}`;
}

/** Runs `body` while printing an interval line every REPORT_MS. */
async function reported(label, body) {
  let from = performance.now();
  let cpu = cpuNow();
  let n = 0;
  const timer = setInterval(() => {
    const to = performance.now();
    cpu = intervalLine(`${label} ${++n}`, from, to, cpu);
    from = to;
  }, REPORT_MS);
  try {
    return await body();
  } finally {
    clearInterval(timer);
  }
}

/** Totals of one phase: rates, statuses, latency, CPU per acknowledged span. */
function phaseSummary(phase, seconds, cpu0, cpu1) {
  const rs = reqs.filter((r) => r.phase === phase);
  const s = summarize(rs, seconds);
  const el = (cpu1.at - cpu0.at) / 1000;
  const acked = s.ackRate * seconds;
  const bench = (cpu1.bench.user + cpu1.bench.system - cpu0.bench.user - cpu0.bench.system) / 1e6;
  return {
    ...s,
    offered: rs.reduce((a, r) => a + r.spans, 0) / seconds,
    collectorCpu: (cpu1.collector - cpu0.collector) / el,
    storeCpu: (cpu1.store - cpu0.store) / el,
    benchCpu: bench / el,
    collectorUsPerSpan: acked ? ((cpu1.collector - cpu0.collector) / acked) * 1e6 : NaN,
    storeUsPerSpan: acked && store ? ((cpu1.store - cpu0.store) / acked) * 1e6 : NaN,
    rssMax: Math.max(0, ...samples.filter((x) => x.phase === phase).map((x) => x.rss)),
    load: load(),
  };
}
const cpuLine = (p) =>
  `collector CPU ${(p.collectorCpu * 100).toFixed(0)}% (${p.collectorUsPerSpan.toFixed(1)} us per acked span)${store ? `, store CPU ${(p.storeCpu * 100).toFixed(0)}% (${p.storeUsPerSpan.toFixed(1)} us/span)` : ''}, bench CPU ${(p.benchCpu * 100).toFixed(0)}%, load ${p.load}`;

// A: the maximum sustainable rate.
let rate = Number(opt.rate ?? 0);
let probe;
if (!rate) {
  console.log(
    `\nA. max rate: ${CLIENTS} clients, closed loop, 3 s warm-up + ${opt['probe-seconds']} s`,
  );
  await closedLoop(3, 'warm-up');
  const a0 = cpuNow();
  await closedLoop(Number(opt['probe-seconds']), 'A');
  probe = phaseSummary('A', (performance.now() - a0.at) / 1000, a0, cpuNow());
  rate = probe.ackRate;
  console.log(
    `  acknowledged ${fmt(probe.ackRate)} spans/s, ack p50/p99 ${probe.p50.toFixed(0)}/${probe.p99.toFixed(0)} ms, 503 ${probe.refused}, ${cpuLine(probe)}`,
  );
} else {
  console.log(`\nA. max rate given: ${fmt(rate)} spans/s`);
  await closedLoop(3, 'warm-up');
}

// B: twice the rate.
const pending = [];
const rssBefore = rssOf(collector.pid);
const OVER_S = Number(opt['overload-seconds']);
console.log(`\nB. 2x overload: open loop at ${fmt(2 * rate)} spans/s, ${OVER_S} s`);
phaseNow = 'B';
let c0 = cpuNow();
const skippedB = await reported('B', () => openLoop(OVER_S, 2 * rate, 'B', pending));
const tDrop = performance.now();
const cpuB = [c0, cpuNow()];

// The load drops to half rate (phase C); meanwhile, poll until the backlog has drained.
const drained = (async () => {
  const deadline = tDrop + 600_000;
  while (performance.now() < deadline) {
    if ((await health().catch(() => Infinity)) < MAX_PENDING / 4) return performance.now();
    await sleep(100);
  }
  return NaN;
})();
const SOAK_S = Number(opt['soak-seconds']);
console.log(`\nC. soak at half rate: open loop at ${fmt(rate / 2)} spans/s, ${SOAK_S} s`);
phaseNow = 'C';
c0 = cpuNow();
const tC = performance.now();
const skippedC = await reported('C', () => openLoop(SOAK_S, rate / 2, 'C', pending));
const cpuC = [c0, cpuNow()];
await Promise.all(pending);
// Summed once every send is answered (CPU over each phase's schedule only).
const over = phaseSummary('B', OVER_S, ...cpuB);
const soak = phaseSummary('C', SOAK_S, ...cpuC);
clearInterval(sampler);
clearInterval(engineSampler);
const tDrained = await drained;

const bReqs = reqs.filter((r) => r.phase === 'B');
const cReqs = reqs.filter((r) => r.phase === 'C');
const answerAt = (r) => r.t0 + r.ms;
const first2xx = cReqs
  .filter((r) => r.status === 200)
  .reduce((m, r) => Math.min(m, answerAt(r)), Infinity);
const late503 = reqs.filter((r) => r.status === 503 && answerAt(r) > tDrop).map(answerAt);
const lastLate503 = late503.reduce((m, t) => Math.max(m, t), 0);
const hwm = procMemory(collector.pid).hwm;
console.log(`\nB. 2x overload (${OVER_S} s)`);
console.log(
  `  offered ${fmt(over.offered)} spans/s, acknowledged ${fmt(over.ackRate)} spans/s (${over.ok} requests), 503 ${over.refused} (${over.noRetryAfter} without Retry-After), other statuses ${over.other}, client-side skipped ${skippedB}`,
);
console.log(`  ack p50/p99 ${over.p50.toFixed(0)}/${over.p99.toFixed(0)} ms, ${cpuLine(over)}`);
console.log(
  `  RSS: before ${mib(rssBefore)} MiB, max ${mib(over.rssMax)} MiB (+${mib(over.rssMax - rssBefore)} MiB = ${((over.rssMax - rssBefore) / MAX_PENDING).toFixed(1)} x --max-pending-bytes of ${mib(MAX_PENDING)} MiB); high-water mark over the run ${mib(hwm)} MiB${MAX_RSS ? ` (${hwm < MAX_RSS ? 'under' : 'NOT under'} the ${mib(MAX_RSS)} MiB bound)` : ''}${store ? `; store RSS max ${mib(samples.reduce((m, x) => Math.max(m, x.storeRss), 0))} MiB` : ''}`,
);
if (MAX_RSS) {
  const m = await fetch(`${collector.url}/metrics`, {
    headers: { authorization: `Bearer ${collector.adminToken}` },
  }).then((r) => r.text());
  const n = /^aiobs_ingest_memory_refused_total (\S+)/m.exec(m)?.[1];
  console.log(`  refusals at the memory bound over the run (B and C): ${n ?? '?'}`);
}
console.log(
  `  after the drop: first 2xx at +${((first2xx - tDrop) / 1000).toFixed(2)} s, last 503 at ${late503.length ? `+${((lastLate503 - tDrop) / 1000).toFixed(2)} s (${late503.length} after the drop)` : 'none after the drop'}, every overload request answered at +${((bReqs.reduce((m, r) => Math.max(m, answerAt(r)), 0) - tDrop) / 1000).toFixed(2)} s, write path below a quarter of its budget at +${((tDrained - tDrop) / 1000).toFixed(2)} s`,
);

// What the "other" answers were, by phase: a status, or the client's socket error.
for (const phase of ['A', 'B', 'C']) {
  const kinds = new Map();
  for (const r of reqs)
    if (r.phase === phase && r.status !== 200 && r.status !== 503) {
      const k =
        r.status === 0
          ? `connection failed (${r.error ?? '?'}, ${r.reused ? 'reused' : 'new'} socket)`
          : `status ${r.status}`;
      kinds.set(k, (kinds.get(k) ?? 0) + 1);
    }
  if (kinds.size)
    console.log(
      `  other answers in ${phase}: ${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')}`,
    );
}
console.log(
  `  collector warnings and errors: ${logCounts.size ? [...logCounts].map(([m, n]) => `${n} x "${m}"`).join(', ') : 'none'}`,
);

// C: flat RSS and latency over the last two thirds.
const win0 = tC + (SOAK_S * 1000) / 3;
const rssPts = samples.filter((x) => x.phase === 'C' && x.t >= win0).map((x) => [x.t, x.rss]);
const latSends = cReqs.filter((r) => r.status === 200 && r.t0 >= win0);
const latPts = latSends.map((r) => [r.t0, r.ms]);
const rssFit = linearFit(rssPts);
const latFit = linearFit(latPts);
const winMin = (SOAK_S * 2) / 3 / 60;
const rssChange = rssFit.slope * 60_000 * winMin;
const latChange = latFit.slope * 60_000 * winMin;
/** "flat" when `change` over the window is within `tolerance` of `base`, else its direction. */
const verdict = (change, base, tolerance) =>
  `${Math.abs(change) < tolerance * base ? 'flat' : `NOT flat (${change > 0 ? 'rising' : 'falling'})`} at the ${tolerance * 100}% tolerance`;
console.log(`\nC. soak at half rate (${SOAK_S} s)`);
console.log(
  `  offered ${fmt(soak.offered)} spans/s, acknowledged ${fmt(soak.ackRate)} spans/s, 503 ${soak.refused}, other ${soak.other}, client-side skipped ${skippedC}, ack p50/p99 ${soak.p50.toFixed(0)}/${soak.p99.toFixed(0)} ms, ${cpuLine(soak)}`,
);
console.log(
  `  RSS over the last two thirds: mean ${mib(rssFit.meanY)} MiB, slope ${((rssFit.slope * 60_000) / MiB).toFixed(2)} MiB/min (${(rssChange / MiB).toFixed(1)} MiB over ${winMin.toFixed(1)} min = ${((rssChange / rssFit.meanY) * 100).toFixed(1)}% of the mean: ${verdict(rssChange, rssFit.meanY, 0.05)})`,
);
console.log(
  `  ack latency over the last two thirds: mean ${latFit.meanY.toFixed(0)} ms, slope ${(latFit.slope * 60_000).toFixed(2)} ms/min (${latChange.toFixed(0)} ms over the window = ${((latChange / latFit.meanY) * 100).toFixed(1)}% of the mean: ${verdict(latChange, latFit.meanY, 0.2)})`,
);
// The mean above follows the tail: a few minutes with long merges tilt its line. The
// per-interval p50 and p99 with a Theil-Sen line say whether the typical and the tail
// latency trend, a spike apart.
const perInterval = intervalPercentiles(latSends, win0, REPORT_MS);
const pTrend = [
  ['p50', 1],
  ['p99', 2],
].map(([label, col]) => {
  const fit = theilSenFit(perInterval.map((row) => [row[0], row[col]]));
  const change = fit.slope * 60_000 * winMin;
  return { label, fit, change, share: change / fit.medianY };
});
for (const t of pTrend)
  console.log(
    `  per-${REPORT_MS / 1000}-s ${t.label} over the last two thirds (Theil-Sen, ${perInterval.length} intervals): median ${t.fit.medianY.toFixed(0)} ms, slope ${(t.fit.slope * 60_000).toFixed(2)} ms/min (${t.change.toFixed(0)} ms over the window = ${(t.share * 100).toFixed(1)}% of the median: ${verdict(t.change, t.fit.medianY, 0.2)})`,
  );

// Every acknowledged span stored, by id, in pages of sends: at most 50,000 (the query API's
// row limit) and 2 million spans, since each page counts its spans' distinct ids (the full
// run's 43 million spans in pages of 50,000 sends passed the collector's 1 GiB query limit).
const stored = new Map();
const PAGE = Math.max(1, Math.min(50_000, Math.floor(2_000_000 / spansPer)));
for (let lo = 0; lo <= seq; lo += PAGE) {
  const rows = await collector.query(
    `SELECT lower(substring(SpanId, 1, 8)) AS s, count() AS n, uniqExact(SpanId) AS u
       FROM otel_traces WHERE lower(SpanId) >= '${seqHex(lo)}' AND lower(SpanId) < '${seqHex(lo + PAGE)}'
       GROUP BY s`,
  );
  for (const r of rows) stored.set(r.s, { n: Number(r.n), u: Number(r.u) });
}
const check = { ackedSpans: 0, lost: 0, lostRequests: 0, duplicates: 0, refusedStored: 0 };
for (const r of reqs) {
  const s = stored.get(seqHex(r.seq)) ?? { n: 0, u: 0 };
  check.duplicates += s.n - s.u;
  if (r.status === 200) {
    check.ackedSpans += r.spans;
    check.lost += Math.max(0, r.spans - s.u);
    if (s.u < r.spans) check.lostRequests++;
  } else if (s.n > 0) check.refusedStored++;
}
console.log('\nacknowledged spans by id');
console.log(
  `  ${fmt(check.ackedSpans)} acknowledged, ${fmt(check.lost)} missing (${check.lostRequests} requests), ${fmt(check.duplicates)} stored more than once, ${check.refusedStored} refused requests with rows stored`,
);

await collector.stop();
if (store) await store.stop();
// chDB loads only now: the engine's library stays out of the load generator's memory.
const { diskBytes, printDiskBytes } = await import('./lib/disk-bytes.mjs');
const disk = diskBytes(store ? join(dataDir, 'store') : join(dataDir, 'clickhouse'), {
  optimize: opt.optimize,
});
console.log('\nbytes on disk (system.parts, active parts)');
const perSpan = printDiskBytes('as the run left them', disk.asLeft);
const perSpanOpt = disk.optimized ? printDiskBytes('after OPTIMIZE … FINAL', disk.optimized) : NaN;
rmSync(dataDir, { recursive: true, force: true });
console.log(
  `BENCH_JSON ${JSON.stringify({ rate, probe, over, soak, rssBefore, hwm, first2xxS: (first2xx - tDrop) / 1000, drainedS: (tDrained - tDrop) / 1000, rssSlopeMiBPerMin: (rssFit.slope * 60_000) / MiB, latSlopeMsPerMin: latFit.slope * 60_000, p50SlopeMsPerMin: pTrend[0].fit.slope * 60_000, p99SlopeMsPerMin: pTrend[1].fit.slope * 60_000, check, perSpan, perSpanOpt })}`,
);

/** The ClickHouse HTTP fixture (test/fixtures) as the store, in a process of its own. */
async function startStore(dir) {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'test', 'fixtures', 'clickhouse-http-server.mjs'), '--data-dir', dir],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const m = JSON.parse(line);
        if (m.msg === 'listening') resolve(m.port);
      } catch {}
    });
    child.once('exit', (c) => reject(new Error(`store exited ${c}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
}
