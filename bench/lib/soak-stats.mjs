// What the soak benchmark computes from its samples: a process's memory and CPU from /proc,
// per-interval request figures, and the least-squares slope that says whether RSS and
// latency stay flat.
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
