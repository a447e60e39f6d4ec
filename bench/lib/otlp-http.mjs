// What the ingest and query benchmarks share: one OTLP/HTTP protobuf export to a collector
// over a keep-alive pool, and the percentile / number formatting used in their reports.
import http from 'node:http';

/**
 * A sender for `collector` (from startCollector): `send(body)` posts one protobuf export to
 * /v1/traces and resolves with `{status, ms, retryAfter}` (status 0 on a socket error;
 * `retryAfter` the header of a 503/429); it never rejects.
 */
export function createOtlpSender(collector, { maxSockets }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const target = new URL(`${collector.url}/v1/traces`);
  return function send(body) {
    return new Promise((resolve) => {
      const t0 = performance.now();
      const req = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/x-protobuf',
            'content-length': body.length,
            authorization: `Bearer ${collector.apiKey}`,
          },
        },
        (res) => {
          res.resume();
          res.on('end', () =>
            resolve({
              status: res.statusCode,
              ms: performance.now() - t0,
              retryAfter: res.headers['retry-after'],
            }),
          );
        },
      );
      req.on('error', () => resolve({ status: 0, ms: performance.now() - t0 }));
      req.end(body);
    });
  };
}

/** The p-th percentile of an ascending array (nearest rank); NaN when empty. */
export function pct(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** A whole number with thousands separators. */
export const fmt = (n) => Math.round(n).toLocaleString('en-US');
