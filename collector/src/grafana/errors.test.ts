import { HTTPException } from 'hono/http-exception';
import { describe, expect, test } from 'vitest';
import {
  AppError,
  BadRequestError,
  ForbiddenError,
  NotFoundError,
  RateLimitError,
  UnavailableError,
} from '../errors.js';
import { ClickHouseHttpError } from '../storage/clickhouse-http/index.js';
import { clickHouseFailure, withoutGateSettings } from './errors.js';

describe('API errors as ClickHouse exceptions', () => {
  test('an engine error keeps its code and type', () => {
    const engine = Object.assign(new Error('Code: 60. DB::Exception: no table. (UNKNOWN_TABLE)'), {
      code: '60',
      type: 'UNKNOWN_TABLE',
    });
    const f = clickHouseFailure(new BadRequestError('query failed: no table', 'sql', engine));
    expect([f.error.code, f.error.type, f.status]).toEqual([60, 'UNKNOWN_TABLE', 404]);
    expect(f.error.message).toBe('query failed: no table');
  });

  test('gate refusals, projects, limits and overload', () => {
    const pick = (e: unknown) => {
      const f = clickHouseFailure(e);
      return [f.error.type, f.status, f.retryAfterSeconds];
    };
    expect(pick(new ForbiddenError('INSERT is not allowed'))).toEqual([
      'ACCESS_DENIED',
      403,
      undefined,
    ]);
    expect(pick(new BadRequestError('SETTINGS clauses are not accepted'))).toEqual([
      'BAD_ARGUMENTS',
      400,
      undefined,
    ]);
    expect(pick(new NotFoundError('no project'))).toEqual(['UNKNOWN_DATABASE', 404, undefined]);
    expect(pick(new AppError(413, 'limit_exceeded', 'too large'))).toEqual([
      'TOO_MANY_ROWS_OR_BYTES',
      413,
      undefined,
    ]);
    expect(pick(new AppError(400, 'limit_exceeded', 'ran too long'))).toEqual([
      'TIMEOUT_EXCEEDED',
      408,
      undefined,
    ]);
    expect(pick(new RateLimitError('slow down', 3))).toEqual([
      'TOO_MANY_SIMULTANEOUS_QUERIES',
      429,
      3,
    ]);
    expect(pick(new UnavailableError('busy', 5))).toEqual([
      'TOO_MANY_SIMULTANEOUS_QUERIES',
      503,
      5,
    ]);
    expect(pick(new HTTPException(413, { message: 'big' }))).toEqual([
      'QUERY_IS_TOO_LARGE',
      413,
      undefined,
    ]);
    expect(pick(new ClickHouseHttpError('REQUIRED_PASSWORD', 'x'))).toEqual([
      'REQUIRED_PASSWORD',
      401,
      undefined,
    ]);
    expect(pick(new Error('boom'))).toEqual(['STD_EXCEPTION', 500, undefined]);
  });

  test('the settings the gate appended are cut from echoed queries', () => {
    expect(
      withoutGateSettings(
        "in scope SELECT * FROM t SETTINGS additional_table_filters = {'db.t':'`p` = \\'x\\''}, max_execution_time = 30, readonly = 1. (X)",
      ),
    ).toBe('in scope SELECT * FROM t. (X)');
  });
});
