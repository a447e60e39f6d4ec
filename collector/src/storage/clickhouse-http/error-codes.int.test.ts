import { createChdbConnection } from 'chdb/connection';
import { afterAll, expect, test } from 'vitest';
import { ERROR_CODES } from './error-codes.js';

const connection = createChdbConnection({ path: ':memory:' });
afterAll(() => connection.close());

test('every code in the table has the name the engine gives it', async () => {
  const codes = Object.values(ERROR_CODES);
  const r = await connection.chdb.queryAsync(
    `SELECT number AS code, errorCodeToName(number) AS name FROM numbers(1000) WHERE number IN (${codes.join(',')}) FORMAT JSONEachRow`,
  );
  const names = Object.fromEntries(
    r
      .text()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { code: number; name: string })
      .map((x) => [x.name, Number(x.code)]),
  );
  expect(names).toEqual(ERROR_CODES);
  // Codes the protocol code raises outside the table.
  const extra = await connection.chdb.queryAsync(
    'SELECT errorCodeToName(271) AS a, errorCodeToName(1001) AS b FORMAT JSONEachRow',
  );
  expect(JSON.parse(extra.text())).toEqual({ a: 'CANNOT_DECOMPRESS', b: 'STD_EXCEPTION' });
});
