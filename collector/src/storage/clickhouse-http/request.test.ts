import { gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { decodeBody, responseCoding } from './compression.js';
import { ClickHouseHttpError } from './error-codes.js';
import {
  engineSettings,
  isInsertWithData,
  parseClickHouseRequest,
  type RawHttpRequest,
} from './request.js';

function raw(
  search: string,
  body: string | Uint8Array = '',
  headers: Record<string, string> = {},
  method = 'POST',
): RawHttpRequest {
  return {
    method,
    url: new URL(`http://h/?${search}`),
    headers,
    body: typeof body === 'string' ? Buffer.from(body) : body,
  };
}

describe('parseClickHouseRequest', () => {
  test('query in the body; params, settings and reserved names apart', () => {
    const r = parseClickHouseRequest(
      raw(
        'query_id=q1&database=db&default_format=JSONEachRow&param_s=a%5C%27b&param_arr=%5B%27x%27%5D&max_threads=3&enable_http_compression=1&wait_end_of_query=1',
        'SELECT {s:String}',
      ),
    );
    expect(r.query).toBe('SELECT {s:String}');
    expect(r.data.length).toBe(0);
    expect(r.params).toEqual({ s: "a\\'b", arr: "['x']" });
    expect(r.settings).toEqual({ max_threads: '3', enable_http_compression: '1' });
    expect(engineSettings(r)).toEqual({ max_threads: '3' });
    expect(r).toMatchObject({ queryId: 'q1', database: 'db', defaultFormat: 'JSONEachRow' });
    expect(r.readonly).toBe(false);
  });

  test('query in the URL: the body is the insert data', () => {
    const r = parseClickHouseRequest(
      raw(
        `query=${encodeURIComponent('INSERT INTO t FORMAT Native')}`,
        Buffer.from([0, 1, 2, 255]),
      ),
    );
    expect(r.query).toBe('INSERT INTO t FORMAT Native');
    expect([...r.data]).toEqual([0, 1, 2, 255]);
    expect(isInsertWithData(r)).toBe(true);
    expect(isInsertWithData(parseClickHouseRequest(raw('', 'INSERT INTO t VALUES (1)')))).toBe(
      false,
    );
  });

  test('a gzip body is decompressed before it is read', () => {
    const r = parseClickHouseRequest(
      raw('', gzipSync('SELECT 42'), { 'content-encoding': 'gzip' }),
    );
    expect(r.query).toBe('SELECT 42');
  });

  test('multipart/form-data carries the query and params', () => {
    const b = 'XYZ';
    const body =
      `--${b}\r\nContent-Disposition: form-data; name="query"\r\n\r\nSELECT {v:Array(String)}\r\n` +
      `--${b}\r\nContent-Disposition: form-data; name="param_v"\r\n\r\n['a\\'b','c']\r\n--${b}--\r\n`;
    const r = parseClickHouseRequest(
      raw('query_id=1', body, { 'content-type': `multipart/form-data; boundary=${b}` }),
    );
    expect(r.query).toBe('SELECT {v:Array(String)}');
    expect(r.params).toEqual({ v: "['a\\'b','c']" });
  });

  test('credentials: Basic auth, then X-ClickHouse headers, then URL, else default', () => {
    const basic = `Basic ${Buffer.from('u:p:w').toString('base64')}`;
    expect(parseClickHouseRequest(raw('', 'SELECT 1', { authorization: basic }))).toMatchObject({
      user: 'u',
      password: 'p:w',
    });
    expect(
      parseClickHouseRequest(
        raw('', 'SELECT 1', { 'x-clickhouse-user': 'h', 'x-clickhouse-key': 'k' }),
      ),
    ).toMatchObject({ user: 'h', password: 'k' });
    expect(parseClickHouseRequest(raw('user=a&password=b', 'SELECT 1'))).toMatchObject({
      user: 'a',
      password: 'b',
    });
    expect(parseClickHouseRequest(raw('', 'SELECT 1'))).toMatchObject({
      user: 'default',
      password: '',
    });
  });

  test('GET runs read-only; an empty query is a SYNTAX_ERROR', () => {
    expect(parseClickHouseRequest(raw('query=SELECT+1', '', {}, 'GET')).readonly).toBe(true);
    expect(() => parseClickHouseRequest(raw('', '  '))).toThrow(
      expect.objectContaining({ code: 62, type: 'SYNTAX_ERROR' }),
    );
  });

  test('an unknown coding or a corrupt body is a ClickHouse error, not a crash', () => {
    expect(() => decodeBody(Buffer.from('x'), 'lz4')).toThrow(ClickHouseHttpError);
    expect(() => decodeBody(Buffer.from('not gzip'), 'gzip')).toThrow(/decompress/);
  });

  test('answers are compressed only with enable_http_compression and a known coding', () => {
    expect(responseCoding(false, 'gzip')).toBeUndefined();
    expect(responseCoding(true, undefined)).toBeUndefined();
    expect(responseCoding(true, 'identity, br;q=0.5, gzip')).toBe('br');
    expect(responseCoding(true, 'lz4')).toBeUndefined();
  });
});
