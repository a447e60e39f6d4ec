#!/usr/bin/env node
// Ingest benchmark: concurrent OTLP/protobuf clients send pre-encoded GenAI span requests
// (100-1,000 spans each) to a collector process on the embedded engine. Prints spans/s
// acknowledged and landed, ack latency, behaviour at half the maximum rate and under 2x
// overload (503s, RSS), the same maximum over OTLP/gRPC, and the engine's raw Native
// insert rate for the same rows (spans plus every table derived from them: typed inference
// rows, rollups, feature rows), measured in the same run, with and without the attribute-map
// skip indexes that migration 0017 dropped. Each phase also prints where the time went: the
// collector's CPU per span, and per table the inserts per second, rows per insert, time per
// insert and the share of the phase the engine spent inserting (from the collector's /metrics).
// Usage: npm run bench -- ingest [--seconds 20] [--clients 32] [--spans-per-request 500]
// [--phases max,grpc,half,overload,raw] [--collector-args "--flag value ..."]
// [--half-rate 24000] (the half phase's spans/s instead of half of this run's maximum)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, credentials, Metadata } from '@grpc/grpc-js';
import { benchArgs } from './lib/args.mjs';
import { startCollector } from './lib/collector-process.mjs';
import { encodeRequests } from './lib/genai-spans.mjs';
import { machineLine } from './lib/machine.mjs';
import { createOtlpSender, fmt, pct } from './lib/otlp-http.mjs';
import { firstTraceIdAt } from './lib/trace-id-at.mjs';

const { values: opt } = benchArgs('npm run bench -- ingest', {
  options: {
    seconds: { type: 'string', default: '20' },
    clients: { type: 'string', default: '128' },
    requests: { type: 'string', default: '200' },
    // 0: requests of 100 to 1,000 spans, mixed; else every request has this many.
    'spans-per-request': { type: 'string', default: '0' },
    // The 5-feature mix on every n-th inference span (1: all of them, the upper bound).
    'feature-every': { type: 'string', default: '10' },
    phases: { type: 'string', default: 'max,grpc,half,overload,raw' },
    // 'collector': the collector's schema; 'attr-indexes': plus the attribute-map bloom
    // filters that migration 0017 dropped (the comparison that decided it).
    'raw-variants': { type: 'string', default: 'collector,attr-indexes' },
    // Spans timed per raw variant (after one warm-up batch of 50,000).
    'raw-rows': { type: 'string', default: '600000' },
    // Extra collector flags, to compare settings (e.g. "--batch-max-delay-ms 50").
    'collector-args': { type: 'string', default: '' },
    // The half phase's offered rate in spans/s (default: half of this run's maximum), so
    // settings compared in separate runs get the same load.
    'half-rate': { type: 'string', default: '' },
  },
});
const PHASES = new Set(opt.phases.split(','));
const SECONDS = Number(opt.seconds);
const CLIENTS = Number(opt.clients);

console.log(machineLine());
console.log('encoding requests with the OTLP protobuf serializer...');
const requests = encodeRequests(
  Number(opt.requests),
  Date.now() - 60_000,
  Number(opt['spans-per-request']),
  Number(opt['feature-every']),
);
for (const r of requests) r.idAt = firstTraceIdAt(r.body);
const totalSpans = requests.reduce((a, r) => a + r.spans, 0);
const totalBytes = requests.reduce((a, r) => a + r.body.length, 0);
console.log(
  `${requests.length} requests, ${fmt(totalSpans)} spans, ${(totalBytes / totalSpans).toFixed(0)} bytes/span`,
);

let sends = 0;
/**
 * The request's body with the first trace id changed for this send. The collector stores a
 * resent request once (its digest is of the body), so replaying the same bodies would
 * measure duplicate detection, not ingest.
 */
function unique(r) {
  const body = Buffer.from(r.body);
  body.writeUInt32BE(sends++ >>> 0, r.idAt);
  return body;
}

const reqFile = join(tmpdir(), `aiobs-bench-requests-${process.pid}.json`);
/** The engine's raw Native insert of the same rows (bench/lib/raw-insert.mjs), in a process of its own. */
function runRaw(variant) {
  const raw = JSON.parse(
    execFileSync(
      process.execPath,
      [
        new URL('./lib/raw-insert.mjs', import.meta.url).pathname,
        reqFile,
        '50000',
        opt['raw-rows'],
        variant,
      ],
      { encoding: 'utf8' },
    ),
  );
  console.log(
    `  ${variant}: ${fmt(raw.rowsPerSecond)} spans/s (${fmt(raw.rows)} spans + ${fmt(raw.featureRows)} feature rows in ${raw.inserts} inserts of ${fmt(raw.batchRows)} spans, ${raw.cpuMicrosPerRow.toFixed(1)} us of CPU per span)`,
  );
  return raw;
}

// This machine's speed can drift within minutes, so the raw rate is taken before the
// collector starts as well as after its phases (the first variant only).
let rawBefore;
if (PHASES.has('raw')) {
  writeFileSync(reqFile, JSON.stringify(requests.map((r) => r.body.toString('base64'))));
  console.log('\nraw engine insert, before the collector starts...');
  rawBefore = runRaw(opt['raw-variants'].split(',')[0]);
}

const dataDir = mkdtempSync(join(tmpdir(), 'aiobs-bench-'));
const collector = await startCollector({
  dataDir,
  args: opt['collector-args'].split(' ').filter(Boolean),
});
const send = createOtlpSender(collector, { maxSockets: 256 });

// OTLP/gRPC: one HTTP/2 connection per 16 clients (an OTel exporter holds one channel).
const grpcClients = Array.from(
  { length: Math.ceil(CLIENTS / 16) },
  () =>
    new Client(`127.0.0.1:${collector.grpcPort}`, credentials.createInsecure(), {
      'grpc.use_local_subchannel_pool': 1,
    }),
);
const grpcMetadata = new Metadata();
grpcMetadata.set('authorization', `Bearer ${collector.apiKey}`);
let grpcNext = 0;
const identity = (b) => b;

/** One export over OTLP/gRPC; `status` 200 when acknowledged, like `send`. */
function sendGrpc(body) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const client = grpcClients[grpcNext++ % grpcClients.length];
    client.makeUnaryRequest(
      '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
      identity,
      identity,
      body,
      grpcMetadata,
      (err) => resolve({ status: err ? 503 : 200, ms: performance.now() - t0 }),
    );
  });
}

async function landed() {
  const rows = await collector.query('SELECT count() AS n FROM otel_traces');
  return Number(rows[0].n);
}

/**
 * Waits until the collector is quiet: under 5% of a core over one second, at most 60 s.
 * The embedded engine merges parts on the collector's own threads, so its CPU shows the
 * merges that the SQL gate keeps `system.merges` from telling the query API about.
 */
async function settle() {
  const t0 = performance.now();
  while (performance.now() - t0 < 60_000) {
    const cpu0 = collector.cpuSeconds();
    await new Promise((r) => setTimeout(r, 1000));
    if (collector.cpuSeconds() - cpu0 < 0.05) break;
  }
  return (performance.now() - t0) / 1000;
}

/** Per-table insert counters from the collector's /metrics (Prometheus text). */
async function insertCounters() {
  const res = await fetch(`${collector.url}/metrics`, {
    headers: { authorization: `Bearer ${collector.adminToken}` },
  });
  const text = await res.text();
  const out = {};
  const re = /^aiobs_ingest_(batch_rows|insert_duration_seconds)_(sum|count)\{([^}]*)\} (\S+)$/gm;
  for (const m of text.matchAll(re)) {
    const table = /table="([^"]+)"/.exec(m[3])?.[1];
    if (!table || m[3].includes('outcome="error"')) continue;
    out[table] ??= { rows: 0, inserts: 0, seconds: 0 };
    if (m[1] === 'batch_rows' && m[2] === 'sum') out[table].rows = Number(m[4]);
    else if (m[1] === 'batch_rows') out[table].inserts = Number(m[4]);
    else if (m[2] === 'sum') out[table].seconds = Number(m[4]);
  }
  return out;
}

/**
 * CPU seconds of the collector's main thread (the JavaScript: HTTP, decode, Native encoding,
 * digests; the engine's threads are the rest of the process), from /proc.
 */
function mainThreadCpuSeconds() {
  const stat = readFileSync(`/proc/${collector.pid}/task/${collector.pid}/stat`, 'utf8');
  const f = stat.split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

/** What one phase cost the collector and the engine, from counters before and after it. */
async function phaseCost(before, cpu0, elapsed, spans) {
  const after = await insertCounters();
  const tables = {};
  for (const [table, a] of Object.entries(after)) {
    const b = before[table] ?? { rows: 0, inserts: 0, seconds: 0 };
    const inserts = a.inserts - b.inserts;
    if (inserts <= 0) continue;
    tables[table] = {
      insertsPerSecond: inserts / elapsed,
      rowsPerInsert: (a.rows - b.rows) / inserts,
      msPerInsert: ((a.seconds - b.seconds) * 1000) / inserts,
      busy: (a.seconds - b.seconds) / elapsed,
    };
  }
  const cpu = (collector.cpuSeconds() - cpu0[0]) / elapsed;
  const mainCpu = (mainThreadCpuSeconds() - cpu0[2]) / elapsed;
  const own = process.cpuUsage(cpu0[1]);
  return {
    cpu,
    cpuMicrosPerSpan: spans > 0 ? (cpu * elapsed * 1e6) / spans : NaN,
    mainCpu,
    mainMicrosPerSpan: spans > 0 ? (mainCpu * elapsed * 1e6) / spans : NaN,
    benchCpu: (own.user + own.system) / 1e6 / elapsed,
    tables,
  };
}

/** The lines that say where a phase's time went. */
function printCost(c) {
  console.log(
    `  collector CPU ${(c.cpu * 100).toFixed(0)}% of a core, ${c.cpuMicrosPerSpan.toFixed(1)} us per span acknowledged (the load generator: ${(c.benchCpu * 100).toFixed(0)}%)`,
  );
  console.log(
    `  of which the main thread (JavaScript) ${(c.mainCpu * 100).toFixed(0)}% of a core, ${c.mainMicrosPerSpan.toFixed(1)} us per span`,
  );
  for (const [table, t] of Object.entries(c.tables))
    console.log(
      `  ${table}: ${t.insertsPerSecond.toFixed(1)} inserts/s of ${fmt(t.rowsPerInsert)} rows, ${t.msPerInsert.toFixed(1)} ms each (inserting ${(t.busy * 100).toFixed(0)}% of the time)`,
    );
}

/** Closed loop: `clients` senders back to back for `seconds` (OTLP/HTTP unless told). */
async function closedLoop(seconds, clients, sendOne = send) {
  const lat = [];
  let spans = 0;
  let refused = 0;
  let next = 0;
  const landed0 = await landed();
  const counters0 = await insertCounters();
  const cpu0 = [collector.cpuSeconds(), process.cpuUsage(), mainThreadCpuSeconds()];
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < end) {
        const r = requests[next++ % requests.length];
        const res = await sendOne(unique(r));
        if (res.status === 200) {
          spans += r.spans;
          lat.push(res.ms);
        } else refused++;
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  const cost = await phaseCost(counters0, cpu0, elapsed, spans);
  const landedNow = await landed();
  lat.sort((a, b) => a - b);
  return {
    ackRate: spans / elapsed,
    landedRate: (landedNow - landed0) / elapsed,
    p50: pct(lat, 50),
    p99: pct(lat, 99),
    refused,
    ...cost,
  };
}

/** Open loop: requests started on schedule at `spansPerSecond`, whatever the answers. */
async function openLoop(seconds, spansPerSecond, maxInFlight = 512) {
  const lat = [];
  let spans = 0;
  let refused = 0;
  let dropped = 0;
  let inFlight = 0;
  let maxRss = collector.rssBytes();
  const rssTimer = setInterval(() => {
    maxRss = Math.max(maxRss, collector.rssBytes());
  }, 200);
  const pending = [];
  const counters0 = await insertCounters();
  const cpu0 = [collector.cpuSeconds(), process.cpuUsage(), mainThreadCpuSeconds()];
  const t0 = performance.now();
  let due = t0;
  let i = 0;
  while (due < t0 + seconds * 1000) {
    const r = requests[i++ % requests.length];
    const wait = due - performance.now();
    if (wait > 1) await new Promise((res) => setTimeout(res, wait));
    due += (r.spans / spansPerSecond) * 1000;
    if (inFlight >= maxInFlight) {
      dropped++;
      continue;
    }
    inFlight++;
    pending.push(
      send(unique(r)).then((res) => {
        inFlight--;
        if (res.status === 200) {
          spans += r.spans;
          lat.push(res.ms);
        } else refused++;
      }),
    );
  }
  await Promise.all(pending);
  clearInterval(rssTimer);
  const elapsed = (performance.now() - t0) / 1000;
  const cost = await phaseCost(counters0, cpu0, elapsed, spans);
  lat.sort((a, b) => a - b);
  return {
    ackRate: spans / elapsed,
    p50: pct(lat, 50),
    p90: pct(lat, 90),
    p99: pct(lat, 99),
    refused,
    dropped,
    maxRss,
    ...cost,
  };
}

const ms = (x) => (x === undefined ? '-' : `${x.toFixed(1)} ms`);
console.log(`\nwarm-up (3 s)...`);
await closedLoop(3, CLIENTS);
console.log(`max rate: ${CLIENTS} clients, closed loop, ${SECONDS} s`);
const max = await closedLoop(SECONDS, CLIENTS);
console.log(
  `  acknowledged ${fmt(max.ackRate)} spans/s, landed ${fmt(max.landedRate)} spans/s, ack p50 ${max.p50.toFixed(1)} ms, p99 ${max.p99.toFixed(1)} ms, refused ${max.refused}`,
);
printCost(max);
let grpc;
if (PHASES.has('grpc')) {
  await closedLoop(3, CLIENTS, sendGrpc);
  console.log(`OTLP/gRPC max rate: ${CLIENTS} clients, closed loop, ${SECONDS} s`);
  grpc = await closedLoop(SECONDS, CLIENTS, sendGrpc);
  console.log(
    `  acknowledged ${fmt(grpc.ackRate)} spans/s, landed ${fmt(grpc.landedRate)} spans/s, ack p50 ${grpc.p50.toFixed(1)} ms, p99 ${grpc.p99.toFixed(1)} ms, refused ${grpc.refused}`,
  );
  printCost(grpc);
}
for (const c of grpcClients) c.close();
let half;
if (PHASES.has('half')) {
  // The max phase leaves parts to merge; let background merges finish (up to 60 s) so the
  // half-rate phase measures a steady state, then warm up at that rate for 3 s.
  const settled = await settle();
  const rate = Number(opt['half-rate']) || max.ackRate / 2;
  await openLoop(3, rate);
  console.log(
    `half rate: open loop at ${fmt(rate)} spans/s${opt['half-rate'] ? ' (--half-rate)' : ''}, ${SECONDS} s (after ${settled.toFixed(0)} s for merges to end)`,
  );
  half = await openLoop(SECONDS, rate);
  console.log(
    `  acknowledged ${fmt(half.ackRate)} spans/s, ack p50 ${half.p50.toFixed(1)} ms, p90 ${half.p90.toFixed(1)} ms, p99 ${half.p99.toFixed(1)} ms, refused ${half.refused}`,
  );
  printCost(half);
}
let over;
if (PHASES.has('overload')) {
  const idleRss = collector.rssBytes();
  console.log(`2x overload: open loop at ${fmt(max.ackRate * 2)} spans/s, ${SECONDS} s`);
  over = await openLoop(SECONDS, max.ackRate * 2);
  console.log(
    `  acknowledged ${fmt(over.ackRate)} spans/s, refused (503) ${over.refused}, client-side skipped ${over.dropped}, collector RSS max ${(over.maxRss / 2 ** 20).toFixed(0)} MiB (before: ${(idleRss / 2 ** 20).toFixed(0)} MiB), ack p99 ${over.p99.toFixed(1)} ms`,
  );
}
const total = await landed();
// The derived rows landed too (typed inference rows by the view, feature rows by the decoder).
const derived = await collector.query(
  `SELECT (SELECT count() FROM aiobs_inferences) AS inferences,
     (SELECT count() FROM aiobs_feature_values) AS features`,
);
await collector.stop();
rmSync(dataDir, { recursive: true, force: true });

const raws = [];
if (PHASES.has('raw')) {
  console.log(
    '\nraw engine insert, after (same rows, pre-serialized Native, straight into a fresh engine: spans + feature rows, all views)...',
  );
  for (const variant of opt['raw-variants'].split(',')) raws.push(runRaw(variant));
  console.log(
    `  (decoding the same protobuf straight into Native blocks: ${fmt(raws[0].decodeSpansPerSecond)} spans/s on one core)`,
  );
  rmSync(reqFile, { force: true });
}
const raw = raws[0];
// The ratio's denominator: the raw rate before and after the collector's phases, averaged,
// so that a drift of the machine's speed during the run moves both sides alike.
const rawRate =
  raw && rawBefore ? (raw.rowsPerSecond + rawBefore.rowsPerSecond) / 2 : raw?.rowsPerSecond;
console.log('\nsummary');
console.log(
  `  end to end (protobuf in, rows committed): ${fmt(max.ackRate)} spans/s acknowledged, ${fmt(max.landedRate)} landed (${CLIENTS} clients, ${opt['spans-per-request'] === '0' ? '100-1,000' : opt['spans-per-request']} spans per request)`,
);
if (grpc)
  console.log(
    `  the same over OTLP/gRPC:                  ${fmt(grpc.ackRate)} spans/s acknowledged, ${fmt(grpc.landedRate)} landed`,
  );
for (const r of raws)
  console.log(`  raw engine Native insert (${r.variant}): ${fmt(r.rowsPerSecond)} spans/s`);
if (rawBefore)
  console.log(
    `  raw engine Native insert, before (${rawBefore.variant}): ${fmt(rawBefore.rowsPerSecond)} spans/s`,
  );
if (raw)
  console.log(
    `  ratio end-to-end / raw:                   ${((max.ackRate / rawRate) * 100).toFixed(1)}%${rawBefore ? ` (raw before and after averaged; against each: ${((max.ackRate / rawBefore.rowsPerSecond) * 100).toFixed(1)}% and ${((max.ackRate / raw.rowsPerSecond) * 100).toFixed(1)}%)` : ''}`,
  );
if (half)
  console.log(
    `  ack latency at half rate:                 p50 ${ms(half.p50)}, p99 ${ms(half.p99)}`,
  );
if (over)
  console.log(
    `  under 2x overload:                        ${over.refused} x 503, RSS max ${(over.maxRss / 2 ** 20).toFixed(0)} MiB`,
  );
console.log(
  `  rows stored in total:                     ${fmt(total)} spans, ${fmt(Number(derived[0].inferences))} inference rows, ${fmt(Number(derived[0].features))} feature rows`,
);
console.log(
  `BENCH_JSON ${JSON.stringify({ clients: CLIENTS, spansPerRequest: Number(opt['spans-per-request']), max, grpc, half, rawBefore: rawBefore && { rowsPerSecond: rawBefore.rowsPerSecond, cpuMicrosPerRow: rawBefore.cpuMicrosPerRow }, ratio: raw ? max.ackRate / rawRate : undefined, raws: raws.map(({ variant, rowsPerSecond, cpuMicrosPerRow }) => ({ variant, rowsPerSecond, cpuMicrosPerRow })) })}`,
);
