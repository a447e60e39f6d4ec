import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../config.js';
import { createDb } from './db.js';
import { type Engine, openEngine } from './engine.js';
import { migrate } from './migrate.js';
import { createTracesRepo, type TraceFilter } from './traces-repo.js';

// The newest-first trace search reads the last hour, 6 h and 24 h before the whole range.
// Its pages must be those of a read of the whole range, worked out here in JavaScript from
// the seeded spans, including traces whose spans straddle a window's start or the range's.

const H = 3_600_000;
const END = Math.floor(Date.now() / H) * H;
const FROM = END - 7 * 24 * H;

interface Span {
  trace: string;
  project: string;
  service: string;
  ms: number;
  /** Sub-millisecond part, so starts tie at the millisecond and differ in nanoseconds. */
  ns: number;
  error: boolean;
}

let seed = 7;
const rand = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

const spans: Span[] = [];
let traces = 0;
function trace(startMs: number, offsetsMs: number[], project = 'default') {
  const id = hex(++traces, 32);
  const service = rand() < 0.5 ? 'api' : 'model';
  for (const off of [0, ...offsetsMs])
    spans.push({
      trace: id,
      project,
      service,
      ms: startMs + off,
      ns: Math.floor(rand() * 1e6),
      error: rand() < 0.1,
    });
}
// About 40 traces an hour over the week, denser in the last hours, so the windows answer.
for (let t = FROM - 2 * H; t < END; t += Math.floor(rand() * 180_000)) trace(t, [5, 40]);
for (let t = END - 3 * H; t < END; t += Math.floor(rand() * 30_000)) trace(t, [3]);
// Straddlers: started before a window start or the range start, with spans inside.
for (const w of [H, 6 * H, 24 * H, 7 * 24 * H]) {
  trace(END - w - 2_000, [2_500, w + 1_000]);
  trace(END - w - 600, [0.2 * H]);
}
// Traces of another project at the same times must not count.
for (let t = END - 2 * H; t < END; t += 20_000) trace(t, [1], 'other');

/** The page of a whole-range read, from the seeded spans. */
function expected(f: TraceFilter): { trace_id: string; start_ns: string; span_count: number }[] {
  const byTrace = new Map<string, Span[]>();
  for (const s of spans) {
    if (s.project !== f.project || s.ms < f.fromMs || s.ms > f.toMs) continue;
    if (!byTrace.has(s.trace)) byTrace.set(s.trace, []);
    byTrace.get(s.trace)!.push(s);
  }
  const nsOf = (s: Span) => BigInt(s.ms) * 1_000_000n + BigInt(s.ns);
  let rows = [...byTrace].map(([id, ss]) => ({
    trace_id: id,
    start: ss.map(nsOf).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))[0]!,
    span_count: ss.length,
    errors: ss.filter((s) => s.error).length,
    hasService: f.service === undefined || ss.some((s) => s.service === f.service),
  }));
  rows = rows.filter(
    (r) =>
      r.hasService &&
      (f.status !== 'error' || r.errors > 0) &&
      (f.status !== 'ok' || r.errors === 0) &&
      (!f.after ||
        r.start < BigInt(f.after[0]) ||
        (r.start === BigInt(f.after[0]) && r.trace_id < f.after[1])),
  );
  rows.sort((a, b) =>
    a.start === b.start ? (a.trace_id < b.trace_id ? 1 : -1) : a.start < b.start ? 1 : -1,
  );
  return rows
    .slice(0, f.limit)
    .map((r) => ({ trace_id: r.trace_id, start_ns: String(r.start), span_count: r.span_count }));
}

let dir: string;
let engine: Engine;
let repo: ReturnType<typeof createTracesRepo>;
/** The `from` of every read of the trace list (Unix ms). */
const reads: number[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aiobs-trace-search-'));
  engine = await openEngine(loadConfig({ dataDir: dir }, {}));
  await migrate(engine, { retentionDays: 30, fsync: false }, pino({ level: 'silent' }));
  const iso = (s: Span) =>
    `${new Date(s.ms).toISOString().replace('T', ' ').replace('Z', '')}${String(s.ns).padStart(6, '0')}`;
  await engine.client.insert({
    table: 'otel_traces',
    format: 'JSONEachRow',
    values: spans.map((s, i) => ({
      Timestamp: iso(s),
      TraceId: s.trace,
      SpanId: hex(i + 1, 16),
      ParentSpanId: '',
      SpanName: 'call',
      ServiceName: s.service,
      Duration: 1_000_000,
      StatusCode: s.error ? 'Error' : 'Ok',
      ProjectId: s.project,
    })),
  });
  const db = createDb(engine);
  // The same db, recording where each trace-list read starts.
  const recording = Object.create(db) as typeof db;
  recording.rows = ((sql: string, params?: Record<string, unknown>) => {
    if (sql.includes('argMinIf') && params?.from !== undefined) reads.push(Number(params.from));
    return db.rows(sql, params);
  }) as typeof db.rows;
  repo = createTracesRepo(recording);
}, 120_000);

afterAll(async () => {
  await engine?.close();
  rmSync(dir, { recursive: true, force: true });
});

const base = (over: Partial<TraceFilter> = {}): TraceFilter => ({
  project: 'default',
  fromMs: FROM,
  toMs: END,
  attrs: [],
  sort: 'start',
  limit: 50,
  ...over,
});

async function page(f: TraceFilter) {
  return (await repo.findTraces(f)).map((r) => ({
    trace_id: r.trace_id,
    start_ns: r.start_ns,
    span_count: Number(r.span_count),
  }));
}

describe('newest-first trace search: the pages of a whole-range read', () => {
  test('the seed straddles every window', () => {
    // A window that answers holds a whole page; the straddlers sit at each window start.
    expect(spans.filter((s) => s.ms >= END - H).length).toBeGreaterThan(300);
  });

  for (const [name, over] of [
    ['a week, first page', {}],
    ['a week, a page of 500 (past the first window)', { limit: 500 }],
    ['a week, a page of 2,000 (past 6 h)', { limit: 2_000 }],
    ['errors only', { status: 'error' }],
    ['ok only, one service', { status: 'ok', service: 'api' }],
    ['two days', { fromMs: END - 48 * H }],
    ['a range ending 5 h ago', { toMs: END - 5 * H }],
    ['another project', { project: 'other' }],
  ] as [string, Partial<TraceFilter>][])
    test(name, async () => {
      const f = base(over);
      const got = await page(f);
      expect(got.length).toBe(Math.min(f.limit, expected(f).length));
      expect(got).toEqual(expected(f));
    });

  test("a week's first page reads the last hour only, or widens past a straddler", async () => {
    // The other project has a page of traces in the last hour, none started before it.
    reads.length = 0;
    expect(await page(base({ project: 'other' }))).toEqual(expected(base({ project: 'other' })));
    expect(reads).toEqual([END - H]);
    // Here a trace started just before each window: every window is refused, then the week.
    reads.length = 0;
    await page(base());
    expect(reads).toEqual([END - H, END - 6 * H, END - 24 * H, FROM]);
    // Sorted by duration, no window can answer: the whole range is read.
    reads.length = 0;
    await repo.findTraces(base({ sort: 'duration' }));
    expect(reads).toEqual([FROM]);
  });

  test('paging through the week: every trace once, in order', async () => {
    let after: [string, string] | undefined;
    const seen: string[] = [];
    for (let i = 0; i < 30; i++) {
      const f = base({ limit: 200, after });
      const got = await page(f);
      expect(got).toEqual(expected(f));
      if (got.length < 200) break;
      seen.push(...got.map((r) => r.trace_id));
      const last = got.at(-1)!;
      after = [last.start_ns, last.trace_id];
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThan(1_000);
  });
});
