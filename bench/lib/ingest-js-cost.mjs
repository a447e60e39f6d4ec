#!/usr/bin/env node
// The collector's JavaScript cost per span on the ingest path, without HTTP or the engine:
// the request digest of the ingest dedup, the protobuf decode into the otel_traces and
// feature-row blocks (attribute flattening, row building, Native column encoding) and the
// block's Native bytes, for the requests bench/ingest.mjs sends. It runs one thread, so its
// CPU time is what the collector's main thread spends on those steps per span; compare
// builds by pointing --dist at each one's collector/dist, in alternation.
// Usage: node bench/lib/ingest-js-cost.mjs [--dist collector/dist] [--rounds 5]
//   [--seconds 3] [--spans-per-request 500] [--requests 200]
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchArgs } from './args.mjs';
import { encodeRequests } from './genai-spans.mjs';

const { values: opt } = benchArgs('node bench/lib/ingest-js-cost.mjs', {
  options: {
    dist: { type: 'string', default: join(import.meta.dirname, '..', '..', 'collector', 'dist') },
    rounds: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '3' },
    'spans-per-request': { type: 'string', default: '500' },
    requests: { type: 'string', default: '200' },
    // Spans per block before it is encoded and reset, as the group commit would insert.
    'block-spans': { type: 'string', default: '8000' },
  },
});
const dist = resolve(opt.dist);
const load = (p) => import(pathToFileURL(join(dist, p)).href);
const { decodeTraces } = await load('otlp/decoders.js');
const { DecodeBudget } = await load('otlp/decode-budget.js');
const { DecodeOutcome, encodeProject } = await load('otlp/outcome.js');
const { TracesBlock } = await load('storage/tables/traces-block.js');
const { FeatureValuesBlock } = await load('storage/tables/feature-values-block.js');
const { requestDigest } = await load('ingest/dedup/digest.js');

const requests = encodeRequests(
  Number(opt.requests),
  Date.now() - 60_000,
  Number(opt['spans-per-request']),
);
const traces = new TracesBlock();
const features = new FeatureValuesBlock();
const project = encodeProject('default');
const blockSpans = Number(opt['block-spans']);
let bytesOut = 0;

/** One request as the ingestor handles it: digest, decode into the blocks, encode when full. */
function ingestOne(body) {
  requestDigest('default', 'traces', body);
  const ctx = {
    project,
    maxAttributeBytes: 65536,
    maxAttributes: 128,
    droppedAttributes: 0,
    budget: new DecodeBudget(64 * 1024 * 1024),
    features,
  };
  const outcome = new DecodeOutcome();
  ctx.budget.begin([traces, features]);
  decodeTraces('protobuf', body, traces, ctx, outcome);
  if (outcome.rejected !== 0) throw new Error(`rejected spans: ${outcome.message}`);
  if (traces.rows >= blockSpans) {
    for (const b of [traces, features]) {
      for (const part of b.encode()) bytesOut += part.length;
      b.reset();
    }
  }
  return outcome.accepted;
}

console.log(`dist ${dist}, Node ${process.version}`);
const results = [];
for (let round = 0; round <= Number(opt.rounds); round++) {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let spans = 0;
  let i = 0;
  while (performance.now() - t0 < Number(opt.seconds) * 1000) {
    spans += ingestOne(requests[i++ % requests.length].body);
  }
  const cpu = process.cpuUsage(cpu0);
  const us = (cpu.user + cpu.system) / spans;
  // Round 0 warms the JIT up and is not counted.
  if (round > 0) results.push(us);
  console.log(
    `round ${round}: ${spans} spans, ${us.toFixed(2)} us of CPU per span${round === 0 ? ' (warm-up)' : ''}`,
  );
}
results.sort((a, b) => a - b);
console.log(
  `median ${results[Math.floor(results.length / 2)].toFixed(2)} us of CPU per span (min ${results[0].toFixed(2)}), ${bytesOut} Native bytes encoded`,
);
