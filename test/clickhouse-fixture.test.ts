import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { type ClickHouseClient, ClickHouseError, createClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type ClickHouseFixture, startClickHouse } from './helpers/clickhouse-server.js';

// The ClickHouse HTTP fixture as @clickhouse/client sees it: the subset of the server's
// HTTP interface the collector's CLICKHOUSE_URL path uses, and the faults tests drive.
let ch: ClickHouseFixture;
let client: ClickHouseClient;

async function bytes(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of stream) parts.push(p);
  return Buffer.concat(parts);
}

beforeAll(async () => {
  ch = await startClickHouse({ password: 'secret' });
  client = createClient({ url: ch.url, password: 'secret' });
  await client.command({
    query:
      'CREATE TABLE IF NOT EXISTS t (a UInt32, s String, m Map(LowCardinality(String), String)) ENGINE = MergeTree ORDER BY a',
  });
});

afterAll(async () => {
  await client?.close();
  await ch?.stop();
});

describe('queries', () => {
  test('parameters of every shape bind as the server binds them', async () => {
    const rs = await client.query({
      query:
        'SELECT {s:String} AS s, {arr:Array(String)} AS arr, {n:Nullable(Int64)} AS n, {d:DateTime64(3)} AS d, {m:Map(String, UInt8)} AS m',
      query_params: {
        s: "it's a \t tab, a \\ backslash\nand a newline",
        arr: ["o'neil", 'b\\c', ''],
        n: null,
        d: new Date('2024-05-06T07:08:09.123Z'),
        m: { x: 1, "y'": 2 },
      },
      format: 'JSONEachRow',
    });
    expect(await rs.json()).toEqual([
      {
        s: "it's a \t tab, a \\ backslash\nand a newline",
        arr: ["o'neil", 'b\\c', ''],
        n: null,
        d: '2024-05-06 07:08:09.123',
        m: { x: 1, "y'": 2 },
      },
    ]);
  });

  test('parameters sent as multipart/form-data bind the same', async () => {
    const multi = createClient({ url: ch.url, password: 'secret', use_multipart_params: true });
    try {
      const rs = await multi.query({
        query: 'SELECT {v:Array(String)} AS v, length({big:String}) AS n',
        query_params: { v: ['a', "b'c"], big: 'x'.repeat(10_000) },
        format: 'JSONEachRow',
      });
      expect(await rs.json()).toEqual([{ v: ['a', "b'c"], n: 10_000 }]);
    } finally {
      await multi.close();
    }
  });

  test('settings apply to their own request only', async () => {
    const q = (settings?: Record<string, number>) =>
      client
        .query({
          query: "SELECT getSetting('max_threads') AS t, currentDatabase() AS db",
          clickhouse_settings: settings,
          format: 'JSONEachRow',
        })
        .then((r) => r.json<{ t: number; db: string }>());
    expect(await q({ max_threads: 3 })).toEqual([{ t: 3, db: 'default' }]);
    const [plain] = await q();
    expect(plain!.t).not.toBe(3);
  });

  test('database and default_format come from the URL', async () => {
    await client.command({ query: 'CREATE DATABASE IF NOT EXISTS other' });
    const c = createClient({ url: ch.url, password: 'secret', database: 'other' });
    try {
      const rs = await c.query({ query: 'SELECT currentDatabase() AS db', format: 'CSV' });
      expect(await rs.text()).toBe('"other"\n');
    } finally {
      await c.close();
    }
  });
});

describe('inserts', () => {
  test('a Native body inserts as INSERT … FORMAT Native, as the collector sends it', async () => {
    // The block comes from the engine itself (FORMAT Native), so its encoding is the
    // server's, not ours.
    const block = await bytes(
      (
        await client.exec({
          query:
            "SELECT toUInt32(number + 100) AS a, concat('n', toString(number)) AS s, map('k', toString(number)) AS m FROM numbers(1000) FORMAT Native",
        })
      ).stream,
    );
    const res = await client.exec({
      query: 'INSERT INTO default.t (`a`, `s`, `m`) FORMAT Native',
      values: Readable.from([block]),
    });
    await bytes(res.stream);
    expect(res.summary?.written_rows).toBe('1000');
    const rs = await client.query({
      query: "SELECT count() AS c, sum(a) AS s, max(m['k']) AS k FROM t WHERE a >= 100",
      format: 'JSONEachRow',
    });
    expect(await rs.json()).toEqual([{ c: 1000, s: 1000 * 100 + 999 * 500, k: '999' }]);
  });

  test('a Native body of several MiB (a collector batch) lands whole', async () => {
    // chDB's inline insert stops reading Native bodies at about 512 KiB; the fixture must not.
    await client.command({
      query: 'CREATE TABLE default.big (a UInt32, s String) ENGINE = MergeTree ORDER BY a',
    });
    const block = await bytes(
      (
        await client.exec({
          query:
            "SELECT toUInt32(number) AS a, repeat('x', 40) AS s FROM numbers(100000) FORMAT Native",
        })
      ).stream,
    );
    expect(block.length).toBeGreaterThan(4 * 1024 * 1024);
    const res = await client.exec({
      query: 'INSERT INTO default.big (`a`, `s`) FORMAT Native',
      values: Readable.from([block]),
    });
    await bytes(res.stream);
    expect(res.summary?.written_rows).toBe('100000');
    const rs = await client.query({
      query: 'SELECT count() AS c, sum(a) AS total, sum(length(s)) AS l FROM default.big',
      format: 'JSONEachRow',
    });
    expect(await rs.json()).toEqual([{ c: 100000, total: (99999 * 100000) / 2, l: 4000000 }]);
  });

  test('JSONEachRow rows from client.insert land, with the summary header', async () => {
    const r = await client.insert({
      table: 't',
      values: [
        { a: 1, s: 'x', m: {} },
        { a: 2, s: 'y', m: { q: 'w' } },
      ],
      format: 'JSONEachRow',
    });
    expect(r.summary?.written_rows).toBe('2');
    expect(r.query_id).toMatch(/[0-9a-f-]{36}/);
  });
});

describe('compression', () => {
  test('gzip request bodies and gzip answers round-trip', async () => {
    const c = createClient({
      url: ch.url,
      password: 'secret',
      compression: { request: true, response: true },
    });
    try {
      await c.insert({
        table: 't',
        values: Array.from({ length: 500 }, (_, i) => ({
          a: 10_000 + i,
          s: 'z'.repeat(50),
          m: {},
        })),
        format: 'JSONEachRow',
      });
      const rs = await c.query({
        query: 'SELECT count() AS c FROM t WHERE a >= 10000',
        format: 'JSONEachRow',
      });
      expect(await rs.json()).toEqual([{ c: 500 }]);
    } finally {
      await c.close();
    }
  });

  test('the answer is compressed only when enable_http_compression=1', async () => {
    const auth = { authorization: `Basic ${Buffer.from('default:secret').toString('base64')}` };
    const url = `${ch.url}/?query=${encodeURIComponent('SELECT 1')}`;
    const plain = await fetch(url, {
      method: 'POST',
      headers: { ...auth, 'accept-encoding': 'gzip' },
    });
    expect(plain.headers.get('content-encoding')).toBeNull();
    const zipped = await fetch(`${url}&enable_http_compression=1`, {
      method: 'POST',
      headers: { ...auth, 'accept-encoding': 'gzip' },
    });
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(await zipped.text()).toBe('1\n'); // fetch decodes it
    const body = gzipSync('SELECT 2');
    const fromGzipBody = await fetch(ch.url, {
      method: 'POST',
      headers: { ...auth, 'content-encoding': 'gzip' },
      body,
    });
    expect(await fromGzipBody.text()).toBe('2\n');
  });
});

describe('errors', () => {
  test('the client surfaces the code, type and message of an engine error', async () => {
    const err = await client.query({ query: 'SELECT nope FROM t' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClickHouseError);
    expect(err).toMatchObject({ code: '47', type: 'UNKNOWN_IDENTIFIER' });
    expect((err as Error).message).toMatch(/nope/);
    const missing = await client.query({ query: 'SELECT 1 FROM no_such_table' }).catch((e) => e);
    expect(missing).toMatchObject({ code: '60', type: 'UNKNOWN_TABLE' });
  });

  test('the exception header, status and body are the server’s', async () => {
    const auth = { authorization: `Basic ${Buffer.from('default:secret').toString('base64')}` };
    const res = await fetch(`${ch.url}/?query_id=q-1`, {
      method: 'POST',
      headers: auth,
      body: 'SELEC 1',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-clickhouse-exception-code')).toBe('62');
    expect(res.headers.get('x-clickhouse-query-id')).toBe('q-1');
    expect(await res.text()).toMatch(/^Code: 62\. DB::Exception: Syntax error.*\(SYNTAX_ERROR\)/);
    const unknown = await fetch(ch.url, {
      method: 'POST',
      headers: auth,
      body: 'SELECT * FROM nowhere',
    });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('x-clickhouse-exception-code')).toBe('60');
    const empty = await fetch(ch.url, { method: 'POST', headers: auth, body: '' });
    expect(empty.status).toBe(400);
  });

  test('a wrong password is AUTHENTICATION_FAILED (403)', async () => {
    const c = createClient({ url: ch.url, password: 'wrong' });
    try {
      const err = await c.query({ query: 'SELECT 1' }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: '516', type: 'AUTHENTICATION_FAILED' });
    } finally {
      await c.close();
    }
  });
});

describe('faults', () => {
  test('fail answers matching queries with the injected exception until reset', async () => {
    await ch.fail({ match: '^\\s*INSERT', code: 242 });
    try {
      const err = await client
        .insert({ table: 't', values: [{ a: 7, s: 'f', m: {} }], format: 'JSONEachRow' })
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ code: '242', type: 'TABLE_IS_READ_ONLY' });
      // Reads still work: only inserts match.
      const rs = await client.query({ query: 'SELECT 1 AS one', format: 'JSONEachRow' });
      expect(await rs.json()).toEqual([{ one: 1 }]);
    } finally {
      await ch.reset();
    }
    await client.insert({ table: 't', values: [{ a: 7, s: 'f', m: {} }], format: 'JSONEachRow' });
  });

  test('pause refuses connections, resume serves again on the same port', async () => {
    await ch.pause();
    const c = createClient({ url: ch.url, password: 'secret' });
    try {
      const err = await c.query({ query: 'SELECT 1' }).catch((e: unknown) => e);
      expect((err as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
      await ch.resume();
      const rs = await c.query({ query: 'SELECT 1 AS one', format: 'JSONEachRow' });
      expect(await rs.json()).toEqual([{ one: 1 }]);
    } finally {
      await c.close();
    }
  });

  test('cut before drops the request unanswered; cut after runs it first', async () => {
    const c = createClient({ url: ch.url, password: 'secret', keep_alive: { enabled: false } });
    try {
      await ch.cut({ match: 'INSERT INTO t', when: 'before' });
      const before = await c
        .insert({ table: 't', values: [{ a: 501, s: 'cut', m: {} }], format: 'JSONEachRow' })
        .catch((e: unknown) => e);
      expect((before as NodeJS.ErrnoException).code).toMatch(/ECONNRESET|socket hang up/i);
      await ch.cut({ match: 'INSERT INTO t', when: 'after' });
      const after = await c
        .insert({ table: 't', values: [{ a: 502, s: 'cut', m: {} }], format: 'JSONEachRow' })
        .catch((e: unknown) => e);
      expect(after).toBeInstanceOf(Error);
      await ch.reset();
      const rs = await c.query({
        query: "SELECT groupArray(a) AS a FROM (SELECT a FROM t WHERE s = 'cut' ORDER BY a)",
        format: 'JSONEachRow',
      });
      // The first never ran; the second is stored although its client saw an error.
      expect(await rs.json()).toEqual([{ a: [502] }]);
      expect((await ch.stats()).cut).toBe(2);
    } finally {
      await ch.reset();
      await c.close();
    }
  });
});
