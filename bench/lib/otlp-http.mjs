// What the ingest and query benchmarks share: one OTLP/HTTP protobuf export to a collector
// over a keep-alive pool, and the percentile / number formatting used in their reports.
import http from 'node:http';

/**
 * A sender for `collector` (from startCollector): `send(body)` posts one protobuf export to
 * /v1/traces and resolves with `{status, ms, retryAfter}` (status 0 on a socket error;
 * `retryAfter` the header of a 503/429, `error` the socket error's code with status 0 and `reused` whether the
 * socket was a kept-alive one); it never rejects.
 */
export function createOtlpSender(collector, { maxSockets, idleTimeoutMs }) {
  // `idleTimeoutMs` sets the agent's socket timeout, which is also what lets Node (20) honour
  // the collector's `Keep-Alive: timeout=` hint: without it an idle socket is kept until the
  // collector closes it (--keep-alive-timeout), and a request that takes it as it closes
  // fails with ECONNRESET.
  const agent = new http.Agent({ keepAlive: true, maxSockets, timeout: idleTimeoutMs });
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
      req.on('error', (err) =>
        resolve({
          status: 0,
          ms: performance.now() - t0,
          error: err.code ?? err.message,
          // A kept-alive socket the collector closed (idle timeout) as this request took it.
          reused: req.reusedSocket,
        }),
      );
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
