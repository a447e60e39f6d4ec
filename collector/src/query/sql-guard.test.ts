import { describe, expect, test } from 'vitest';
import { checkReadOnlySql, tokenize } from './sql-guard.js';

describe('checkReadOnlySql', () => {
  test.each([
    'SELECT 1',
    'select count() from otel_traces',
    'WITH x AS (SELECT 1) SELECT * FROM x',
    '(SELECT 1) UNION ALL (SELECT 2)',
    'SHOW TABLES',
    'DESCRIBE TABLE otel_traces',
    'EXPLAIN SELECT 1',
    "SELECT 'file(' AS s, 'a;b' AS t -- ; DROP\n",
    'SELECT 1;',
    'SELECT `file` FROM (SELECT 1 AS `file`)',
    "SELECT * FROM otel_logs WHERE Body LIKE '%SETTINGS%'",
  ])('allows %j', (sql) => {
    expect(checkReadOnlySql(sql)).toBeUndefined();
  });

  test.each([
    ['INSERT INTO t VALUES (1)', 'only read-only'],
    ['drop table otel_traces', 'only read-only'],
    ['ALTER TABLE t DELETE WHERE 1', 'only read-only'],
    ['SET readonly = 0', 'only read-only'],
    ['SYSTEM SHUTDOWN', 'only read-only'],
    ["SELECT * FROM file('/etc/passwd')", 'file()'],
    ["SELECT FILE('/etc/hostname')", 'FILE()'],
    ["SELECT * FROM url ('http://x', CSV)", 'url()'],
    ["SELECT * FROM s3Cluster('c', 'http://x')", 's3Cluster()'],
    ["SELECT * FROM `remote`('h', system.one)", 'remote()'],
    ['SELECT * FROM postgresql(a, b, c, d, e)', 'postgresql()'],
    ["SELECT 1 INTO OUTFILE '/tmp/x'", 'OUTFILE'],
  ])('forbids %j', (sql, why) => {
    const r = checkReadOnlySql(sql);
    expect(r?.kind).toBe('forbidden');
    expect(r?.message).toContain(why);
  });

  test.each([
    ['', 'empty'],
    ['   ;  ', 'empty'],
    ['SELECT 1; SELECT 2', 'one statement'],
    ['SELECT 1 FORMAT CSV', 'FORMAT'],
    ['SELECT 1 SETTINGS readonly = 0', 'SETTINGS'],
    ["SELECT 'unclosed", 'unclosed'],
    ['SELECT 1 /* open', 'unclosed'],
  ])('rejects %j as invalid', (sql, why) => {
    const r = checkReadOnlySql(sql);
    expect(r?.kind).toBe('invalid');
    expect(r?.message).toContain(why);
  });

  test('SETTINGS and FORMAT inside a subquery or string are left to the engine', () => {
    expect(checkReadOnlySql('SELECT * FROM (SELECT 1 AS format) WHERE format = 1')).toBeUndefined();
    expect(checkReadOnlySql("SELECT 'x FORMAT y'")).toBeUndefined();
  });

  test('tokenize skips comments and keeps quoted text whole', () => {
    expect(tokenize("SELECT 'a''b' -- c\n/* d */ `e f`").map((t) => [t.kind, t.text])).toEqual([
      ['word', 'SELECT'],
      ['string', 'a'],
      ['string', 'b'],
      ['quoted', 'e f'],
    ]);
  });
});
