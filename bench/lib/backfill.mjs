// Back-fills GenAI inference spans spread over days through a collector's OTLP/HTTP protobuf
// endpoint, the way bench/query.mjs does: a few distinct requests encoded once, each sent as
// often as it takes, by closed-loop clients that retry a 503 after a short pause.
import { encodeRequest } from './genai-spans.mjs';
import { createOtlpSender, fmt } from './otlp-http.mjs';
import { firstTraceIdAt } from './trace-id-at.mjs';

/** Spans per encoded request, as in bench/query.mjs. */
export const PER_REQUEST = 500;
/** encodeRequest makes one root span per three inference (CLIENT) spans. */
export const INFERENCES_PER_REQUEST = (PER_REQUEST * 3) / 4;

/**
 * Sends `inferences` inference spans (plus their root spans) with start times spread evenly
 * over the last `days`, the last request ending a few seconds before now, then waits until
 * every acknowledged span is stored. Encoding is the slow part (~25k spans/s), so only
 * `distinct` requests are encoded; copies share start times and span ids (the rollups and
 * typed rows count each copy). `spread`: each request's spans cover its slot of the days
 * evenly instead of ~185 ms of it (charts over any range then have points, not spikes).
 * Logs progress with `log`; resolves with what it stored.
 *
 * @example
 * const r = await backfillInferences(collector, { inferences: 1_000_000, days: 7 });
 */
export async function backfillInferences(
  collector,
  { inferences, days = 7, distinct = 1000, clients = 32, spread = false, log = console.log },
) {
  const totalRequests = Math.max(1, Math.ceil(inferences / INFERENCES_PER_REQUEST));
  const nDistinct = Math.max(1, Math.min(distinct, totalRequests));
  const spanMs = days * 86_400_000;
  const now = Date.now();
  log(`encoding ${nDistinct} back-fill requests of ${PER_REQUEST} spans over ${days} days...`);
  const t0 = performance.now();
  const slotMs = spanMs / nDistinct;
  const bodies = Array.from({ length: nDistinct }, (_, i) =>
    spread
      ? // Request i fills its slot evenly, so every range has spans; the last ends before now.
        encodeRequest(
          PER_REQUEST,
          now - spanMs + i * slotMs - 5_000,
          i,
          undefined,
          slotMs / PER_REQUEST,
        )
      : // As bench/query.mjs: 500 spans in ~185 ms at the middle of each slot.
        encodeRequest(PER_REQUEST, now - spanMs + (i + 0.5) * slotMs - 5_000, i),
  );
  log(`  ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const send = createOtlpSender(collector, { maxSockets: clients * 2 });
  // The collector stores a byte-identical body once (a resend), so each send of a distinct
  // body gets its send number in its first trace id: every send is a request of its own.
  const idAt = bodies.map((b) => firstTraceIdAt(b));
  const sendBody = (i) => {
    const k = i % nDistinct;
    const body = Buffer.from(bodies[k]);
    body.writeUInt32BE(i >>> 0, idAt[k]);
    return body;
  };
  const spans = totalRequests * PER_REQUEST;
  log(`back-fill: ${fmt(spans)} spans (${fmt(totalRequests * INFERENCES_PER_REQUEST)} inferences)`);
  let next = 0;
  let refused = 0;
  const tFill = performance.now();
  let lastLog = tFill;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < totalRequests) {
        const i = next++;
        for (;;) {
          const r = await send(sendBody(i));
          if (r.status === 200) break;
          refused++;
          await new Promise((res) => setTimeout(res, 50));
        }
        if (performance.now() - lastLog > 15_000) {
          lastLog = performance.now();
          log(`  ${fmt(i * PER_REQUEST)} spans sent`);
        }
      }
    }),
  );
  const fillS = (performance.now() - tFill) / 1000;
  log(
    `  ${fmt(spans)} spans in ${fillS.toFixed(0)} s (${fmt(spans / fillS)} spans/s, ${refused} x 503 retried)`,
  );
  // The collector batches asynchronously: wait until every acknowledged span is stored.
  const deadline = Date.now() + 600_000;
  while (Date.now() < deadline) {
    const n = Number((await collector.query('SELECT count() AS n FROM otel_traces'))[0].n);
    if (n >= spans) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const [s] = await collector.query(
    'SELECT count() AS n, min(Timestamp) AS a, max(Timestamp) AS b FROM otel_traces',
  );
  log(`  stored: ${fmt(Number(s.n))} spans, ${s.a} .. ${s.b}`);
  return {
    spans: Number(s.n),
    inferences: totalRequests * INFERENCES_PER_REQUEST,
    seconds: fillS,
    refused,
  };
}
