import { ClickHouseError } from '@clickhouse/client';
import { expect, test } from 'vitest';
import { UnavailableError } from '../errors.js';
import { storageUnavailable } from './unavailable.js';

function sysErr(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code });
}

test('socket failures, timeouts and transient engine errors become 503 + Retry-After', () => {
  for (const err of [
    sysErr('ECONNREFUSED'),
    sysErr('ECONNRESET'),
    new Error('socket hang up'),
    new Error('Timeout error.'),
    new ClickHouseError({
      message: 'Table is in readonly mode',
      code: '242',
      type: 'TABLE_IS_READ_ONLY',
    }),
    new Error('fetch failed', { cause: sysErr('ECONNREFUSED') }),
  ]) {
    const u = storageUnavailable(err);
    expect(u, err.message).toBeInstanceOf(UnavailableError);
    expect(u!.status).toBe(503);
    expect(u!.options.retryAfterSeconds).toBeGreaterThan(0);
    expect(u!.message).toMatch(/storage .*; retry later$/);
  }
});

test('a bad query or any other error stays what it is', () => {
  expect(
    storageUnavailable(new ClickHouseError({ message: 'x', code: '62', type: 'SYNTAX_ERROR' })),
  ).toBeUndefined();
  expect(storageUnavailable(new Error('boom'))).toBeUndefined();
  expect(storageUnavailable('not an error')).toBeUndefined();
  expect(storageUnavailable(new UnavailableError('already', 1))).toBeUndefined();
});
