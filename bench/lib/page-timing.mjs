// Headless Chromium for the dashboard benchmark: signed-in contexts, the time from navigation
// start until an element first exists (a MutationObserver installed before the page's own
// scripts, so the figure does not depend on how often the benchmark polls), the scripts a
// load fetched, and the page's API requests from the Resource Timing entries.
import { existsSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

/** Debian's Chromium, as the browser tests use it (test/dashboard/browser.ts). */
export const CHROMIUM = process.env.AIOBS_CHROMIUM ?? '/usr/bin/chromium';

/** Whether the Chromium binary is there. */
export const haveChromium = () => existsSync(CHROMIUM);

/** A headless Chromium with the browser tests' flags. */
export function launchChromium() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Runs in every document before its scripts: records in `window.__aiobsMarks[selector]`
 * the `performance.now()` (ms since navigation start) at which `selector` first matched.
 */
function installMarks(selectors) {
  const marks = {};
  window.__aiobsMarks = marks;
  const check = () => {
    for (const s of selectors)
      if (marks[s] === undefined && document.querySelector(s)) marks[s] = performance.now();
  };
  new MutationObserver(check).observe(document, {
    childList: true,
    subtree: true,
    attributes: true,
  });
}

/**
 * A new browser context (empty HTTP cache, no cookies) signed in through
 * `POST /api/v1/auth/login {"token"}`: the session cookie lands in the context's jar.
 */
export async function signedInContext(browser, url, token, selectors) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  await context.addInitScript(installMarks, selectors);
  const res = await context.request.post(`${url}/api/v1/auth/login`, { data: { token } });
  if (!res.ok()) throw new Error(`sign-in: ${res.status()} ${await res.text()}`);
  return context;
}

/**
 * Navigates `page` to `url` and waits until `selector` exists. Resolves with `ms` (from
 * navigation start; null on timeout) and the scripts the load fetched (`scripts`: path,
 * bytes as served, gzipped bytes at level 9). The scripts' bodies are read and gzipped only
 * after the wait: read during the load, they cost the 2-core machine 300-400 ms of CPU
 * (the body over the DevTools pipe, then gzip), taken from the page being timed. `shown` is
 * called when the wait ends, before that.
 */
export async function timeLoad(page, url, selector, timeoutMs = 60_000, shown = () => {}) {
  const responses = [];
  const onResponse = (r) => {
    if (r.request().resourceType() === 'script') responses.push(r);
  };
  page.on('response', onResponse);
  let ms;
  try {
    await page.goto(url, { waitUntil: 'commit' });
    ms = await page
      .waitForFunction((s) => window.__aiobsMarks?.[s], selector, {
        timeout: timeoutMs,
        polling: 50,
      })
      .then((h) => h.jsonValue())
      .catch(() => null);
    shown();
  } finally {
    page.off('response', onResponse);
  }
  const scripts = await Promise.all(
    responses.map(async (r) => {
      const path = new URL(r.url()).pathname;
      try {
        const b = await r.body();
        return { path, bytes: b.length, gz: gzipSync(b, { level: 9 }).length };
      } catch {
        return { path, bytes: Number.NaN, gz: Number.NaN };
      }
    }),
  );
  return { ms, scripts };
}

/**
 * Where a load's time went, in ms from navigation start, read in the page once `chartMs` (the
 * first chart) is known: the HTML's last byte (`html`), the entry script's last byte
 * (`entryJs`), the boot script's `aiobs:boot` mark (it ran and sent the session check and
 * the first calls, `boot`; builds before session 21 have none), the app's `aiobs:main` mark
 * (the entry evaluated, `main`), the session check (`sessionStart`..`sessionEnd`), the last
 * script before the first chart (`chunks`), the first data call's start (`apiStart`) and the
 * last data answer before the first chart (`apiEnd`).
 * Null where the load had none (an entry appears when its response has ended).
 */
export async function loadBreakdown(page, chartMs) {
  return page.evaluate((chart) => {
    const path = (e) => new URL(e.name).pathname;
    const nav = performance.getEntriesByType('navigation')[0];
    const res = performance.getEntriesByType('resource').filter((e) => e.responseEnd <= chart);
    const scripts = res.filter((e) => path(e).endsWith('.js'));
    const api = res.filter((e) => path(e).startsWith('/api/v1/'));
    const session = api.find((e) => path(e) === '/api/v1/auth/session');
    const data = api.filter((e) => !path(e).startsWith('/api/v1/auth/'));
    const min = (xs) => (xs.length ? Math.min(...xs) : null);
    const max = (xs) => (xs.length ? Math.max(...xs) : null);
    return {
      html: nav?.responseEnd ?? null,
      entryJs: scripts.find((e) => /\/assets\/index-[^/]*\.js$/.test(path(e)))?.responseEnd ?? null,
      boot: performance.getEntriesByName('aiobs:boot')[0]?.startTime ?? null,
      main: performance.getEntriesByName('aiobs:main')[0]?.startTime ?? null,
      sessionStart: session?.startTime ?? null,
      sessionEnd: session?.responseEnd ?? null,
      chunks: max(scripts.map((e) => e.responseEnd)),
      apiStart: min(data.map((e) => e.startTime)),
      apiEnd: max(data.map((e) => e.responseEnd)),
      chart,
    };
  }, chartMs);
}

/**
 * The renderer's main-thread time so far (Chrome DevTools Performance metrics, ms): all
 * tasks, of which script, layout and style. Cumulative for the page: subtract an earlier
 * reading to get one load's share. CPU time, so less sensitive to other processes than wall
 * time (a task preempted by another process still counts its wall time, so not immune).
 */
export async function rendererTime(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const m = Object.fromEntries(metrics.map((x) => [x.name, x.value * 1000]));
  return {
    task: m.TaskDuration ?? 0,
    script: m.ScriptDuration ?? 0,
    layout: (m.LayoutDuration ?? 0) + (m.RecalcStyleDuration ?? 0),
  };
}

/**
 * The page's `/api/v1` requests (sign-in and session checks left out) once the network is
 * quiet: path, query string, start and end in ms from navigation start, ordered by start.
 */
export async function apiRequests(page) {
  await page.waitForLoadState('networkidle', { timeout: 20_000 }).catch(() => {});
  const read = () =>
    page.evaluate(() =>
      performance.getEntriesByType('resource').map((e) => ({
        name: e.name,
        start: e.startTime,
        end: e.responseEnd,
      })),
    );
  // An entry appears when its response has ended: read until two reads 1 s apart agree.
  let entries = await read();
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    const again = await read();
    if (again.length === entries.length) break;
    entries = again;
  }
  return entries
    .map((e) => ({ ...e, path: new URL(e.name).pathname, query: new URL(e.name).search }))
    .filter((e) => e.path.startsWith('/api/v1/') && !e.path.startsWith('/api/v1/auth/'))
    .sort((a, b) => a.start - b.start)
    .map(({ path, query, start, end }) => ({ path, query, start, end }));
}

/**
 * Whether the calls started in parallel: the first batch is every call that started before
 * the first one answered. Resolves with its size, the spread of its starts, and the first
 * call's duration (parallel: spread well under the duration, batch = all the calls).
 */
export function parallelism(calls) {
  if (calls.length === 0) return { calls: 0, batch: 0, spreadMs: 0, firstMs: 0 };
  const first = calls[0];
  const batch = calls.filter((c) => c.start < first.end);
  return {
    calls: calls.length,
    batch: batch.length,
    spreadMs: batch.at(-1).start - first.start,
    firstMs: first.end - first.start,
    firstStartMs: first.start,
  };
}

/**
 * Starts the V8 sampling profiler of the page behind `cdp` (a CDP session), sampling every
 * `intervalUs` µs; `stopProfile` ends it. Main-thread JavaScript only: layout and style show
 * as `(program)` or inside the function that forced them.
 */
export async function startProfile(cdp, intervalUs = 250) {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: intervalUs });
  await cdp.send('Profiler.start');
}

/**
 * Stops the profiler `startProfile` started, writes the profile to `file` (a `.cpuprofile`
 * that Chrome DevTools opens) and resolves with its self time summed two ways, largest first:
 * `byFunction` (`name url:line`) and `byModule` (the script's path; `(native)` for entries
 * without one such as `(program)`, `(garbage collector)`, `(idle)`), plus `totalMs` (all
 * samples but `(idle)`).
 */
export async function stopProfile(cdp, file) {
  const { profile } = await cdp.send('Profiler.stop');
  writeFileSync(file, JSON.stringify(profile));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  // timeDeltas[i] is the time before sample i: credit it to the sample's node.
  profile.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const byFunction = new Map();
  const byModule = new Map();
  let totalMs = 0;
  for (const [id, ms] of self) {
    const { functionName, url, lineNumber } = byId.get(id).callFrame;
    if (functionName === '(idle)') continue;
    totalMs += ms;
    const path = url ? new URL(url).pathname : '(native)';
    const fn = `${functionName || '(anonymous)'} ${url ? `${path}:${lineNumber + 1}` : ''}`.trim();
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
    byModule.set(path, (byModule.get(path) ?? 0) + ms);
  }
  const top = (m) => [...m].sort((a, b) => b[1] - a[1]).map(([what, ms]) => ({ what, ms }));
  return { totalMs, byFunction: top(byFunction), byModule: top(byModule) };
}
