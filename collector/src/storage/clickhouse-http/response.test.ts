import { gunzipSync } from 'node:zlib';
import { ClickHouseError, parseError } from '@clickhouse/client';
import { describe, expect, test } from 'vitest';
import { ClickHouseHttpError, httpStatusOf, toClickHouseHttpError } from './error-codes.js';
import { contentTypeOf, errorAnswer, resultAnswer, summaryHeader } from './response.js';

describe('error answers', () => {
  test('@clickhouse/client reads code, type and message back from the body', () => {
    const a = errorAnswer(
      new ClickHouseHttpError('UNKNOWN_TABLE', 'Table default.x does not exist'),
      {
        queryId: 'q',
        serverName: '26.7',
      },
    );
    expect(a.status).toBe(404);
    expect(a.headers['x-clickhouse-exception-code']).toBe('60');
    expect(a.headers['x-clickhouse-query-id']).toBe('q');
    const parsed = parseError(Buffer.from(a.body).toString());
    expect(parsed).toBeInstanceOf(ClickHouseError);
    expect(parsed).toMatchObject({ code: '60', type: 'UNKNOWN_TABLE' });
    expect(parsed.message).toMatch(/^Table default\.x does not exist/);
  });

  test('an engine error keeps its code, type and message through toClickHouseHttpError', () => {
    const e = toClickHouseHttpError(
      new Error(
        'Code: 47. DB::Exception: Unknown expression identifier `nope`. (UNKNOWN_IDENTIFIER)',
      ),
    );
    expect(e).toMatchObject({ code: 47, type: 'UNKNOWN_IDENTIFIER' });
    expect(e.message).toBe('Unknown expression identifier `nope`');
    expect(toClickHouseHttpError(new Error('something else'))).toMatchObject({
      code: 1001,
      type: 'STD_EXCEPTION',
    });
  });

  test('statuses follow the server: 400 parse, 403 auth, 404 unknown, 408 timeout, 500 else', () => {
    expect(httpStatusOf(62)).toBe(400);
    expect(httpStatusOf(516)).toBe(403);
    expect(httpStatusOf(194)).toBe(401);
    expect(httpStatusOf(81)).toBe(404);
    expect(httpStatusOf(159)).toBe(408);
    expect(httpStatusOf(241)).toBe(500);
  });

  test('a compressed error answer still carries the header', () => {
    const a = errorAnswer(new ClickHouseHttpError(242, 'read only'), {
      queryId: 'q',
      coding: 'gzip',
    });
    expect(a.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(a.body).toString()).toMatch(
      /^Code: 242\. DB::Exception: read only\. \(TABLE_IS_READ_ONLY\)/,
    );
  });
});

describe('result answers', () => {
  test('summary values are decimal strings, as the server sends them', () => {
    expect(JSON.parse(summaryHeader({ writtenRows: 3, elapsedNs: 1.6 }))).toEqual({
      read_rows: '0',
      read_bytes: '0',
      written_rows: '3',
      written_bytes: '0',
      total_rows_to_read: '0',
      result_rows: '0',
      result_bytes: '0',
      elapsed_ns: '2',
    });
  });

  test('format, content type and query id headers', () => {
    const a = resultAnswer(Buffer.from('{"a":1}\n'), 'JSONEachRow', {}, { queryId: 'z' });
    expect(a.status).toBe(200);
    expect(a.headers).toMatchObject({
      'x-clickhouse-format': 'JSONEachRow',
      'x-clickhouse-query-id': 'z',
      'content-type': 'application/x-ndjson; charset=UTF-8',
    });
    expect(contentTypeOf('JSON')).toMatch(/application\/json/);
    expect(contentTypeOf('Native')).toBe('application/octet-stream');
    expect(contentTypeOf('TabSeparated')).toMatch(/tab-separated/);
  });
});
