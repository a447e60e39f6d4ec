// What the soak benchmark computes from its samples: a process's memory and CPU from /proc,
// per-interval request figures, and the slopes that say whether RSS and latency stay flat.
import { readFileSync } from 'node:fs';
import { pct } from './otlp-http.mjs';

/** VmRSS and VmHWM (the high-water mark) of `pid`, in bytes; 0 once it has exited. */
export function procMemory(pid) {
  let status;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return { rss: 0, hwm: 0 };
  }
  const kb = (f) => Number(new RegExp(`${f}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

/** User + system CPU seconds of `pid`, all its threads (the embedded engine's included). */
export function procCpuSeconds(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

/**
 * Figures of answered sends `{spans, status, ms, retryAfter}` over `seconds`: spans/s
 * acknowledged (200), 503s and those without a usable Retry-After, any other status
 * (0: the connection failed), ack latency p50/p99.
 */
export function summarize(reqs, seconds) {
  const lat = [];
  let spans = 0;
  let refused = 0;
  let noRetryAfter = 0;
  let other = 0;
  for (const r of reqs) {
    if (r.status === 200) {
      spans += r.spans;
      lat.push(r.ms);
    } else if (r.status === 503) {
      refused++;
      if (!(Number(r.retryAfter) > 0)) noRetryAfter++;
    } else other++;
  }
  lat.sort((a, b) => a - b);
  return {
    ok: lat.length,
    ackRate: spans / seconds,
    refused,
    noRetryAfter,
    other,
    p50: pct(lat, 50),
    p99: pct(lat, 99),
  };
}

/** Least-squares line through `[x, y]` points: slope (y per x) and the mean of y. */
export function linearFit(points) {
  const n = points.length;
  if (n < 2) return { slope: NaN, meanY: n ? points[0][1] : NaN };
  let mx = 0;
  let my = 0;
  for (const [x, y] of points) {
    mx += x / n;
    my += y / n;
  }
  let sxx = 0;
  let sxy = 0;
  for (const [x, y] of points) {
    sxx += (x - mx) ** 2;
    sxy += (x - mx) * (y - my);
  }
  return { slope: sxx > 0 ? sxy / sxx : NaN, meanY: my };
}

/**
 * Theil-Sen line through `[x, y]` points: the median of the slopes between every pair with
 * different x, and the median of y. Unlike least squares, one outlying point (a minute with
 * a long merge) moves it little, so it tells a trend from a spike; a real rise that lasts
 * still shows. NaN slope for fewer than two distinct x.
 */
export function theilSenFit(points) {
  const slopes = [];
  for (let i = 0; i < points.length; i++)
    for (let j = i + 1; j < points.length; j++) {
      const dx = points[j][0] - points[i][0];
      if (dx !== 0) slopes.push((points[j][1] - points[i][1]) / dx);
    }
  return { slope: median(slopes), medianY: median(points.map((p) => p[1])) };
}

/** The median of `values` (NaN when empty). */
function median(values) {
  if (!values.length) return NaN;
  const v = [...values].sort((a, b) => a - b);
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/**
 * Per-interval ack latency percentiles of answered sends `{t0, ms}` (ms since an origin),
 * in intervals of `stepMs` by start time from `from`: `[interval midpoint, p50, p99]` for
 * every interval with an answer.
 */
export function intervalPercentiles(sends, from, stepMs) {
  const buckets = new Map();
  for (const r of sends) {
    const k = Math.floor((r.t0 - from) / stepMs);
    if (k < 0) continue;
    const b = buckets.get(k);
    if (b) b.push(r.ms);
    else buckets.set(k, [r.ms]);
  }
  return [...buckets]
    .sort((a, b) => a[0] - b[0])
    .map(([k, ms]) => {
      ms.sort((a, b) => a - b);
      return [from + (k + 0.5) * stepMs, pct(ms, 50), pct(ms, 99)];
    });
}
