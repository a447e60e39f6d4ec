/**
 * Hostile statements for the SQL gate, run through the real engine (sql-gate.int.test.ts)
 * and a real collector (test/sql-gate.test.ts). `{{SECRET}}` is the path of a marker file
 * whose content must never come back; `{{OUT}}` a path in a watched directory that must
 * stay empty; `{{DB}}` the configured database. Every entry must be refused: 403 when the
 * gate names a forbidden construct, 400 when the engine cannot parse it or the statement
 * carries a SETTINGS or FORMAT clause the API does not accept.
 */
export interface HostileCase {
  sql: string;
  /** Bound parameters, when the attack goes through them. */
  params?: Record<string, unknown>;
  /** 400 (the engine's parser refuses it) or 403 (the gate refuses it). */
  status: 400 | 403;
  why: string;
}

const F = "file('{{SECRET}}')";

export const HOSTILE_SQL: readonly HostileCase[] = [
  // Scalar file() in every spelling and position.
  { sql: `SELECT ${F}`, status: 403, why: 'scalar file() works under readonly' },
  { sql: "SELECT fIlE('{{SECRET}}')", status: 403, why: 'mixed case' },
  { sql: "SELECT FILE('{{SECRET}}')", status: 403, why: 'upper case' },
  { sql: "SELECT `file`('{{SECRET}}')", status: 403, why: 'back-quoted function name' },
  { sql: `SELECT "file"('{{SECRET}}')`, status: 403, why: 'double-quoted function name' },
  { sql: "SELECT file/**/('{{SECRET}}')", status: 403, why: 'comment between name and (' },
  { sql: "SELECT file\n\t('{{SECRET}}')", status: 403, why: 'whitespace between name and (' },
  { sql: `SELECT arrayMap(x -> file(x), ['{{SECRET}}'])`, status: 403, why: 'inside a lambda' },
  { sql: `SELECT (SELECT ${F})`, status: 403, why: 'scalar subquery' },
  { sql: `WITH f AS (SELECT ${F} AS c) SELECT * FROM f`, status: 403, why: 'CTE' },
  { sql: `WITH ${F} AS c SELECT c`, status: 403, why: 'WITH expression alias' },
  { sql: `SELECT 1 WHERE length(${F}) > 0`, status: 403, why: 'WHERE clause' },
  { sql: `SELECT * FROM numbers(1) ORDER BY ${F}`, status: 403, why: 'ORDER BY' },
  { sql: `SELECT 1 UNION ALL SELECT ${F}`, status: 403, why: 'second branch of a UNION' },
  { sql: `SELECT * FROM view(SELECT ${F})`, status: 403, why: 'inside view()' },
  { sql: `SELECT * APPLY(file) FROM (SELECT '{{SECRET}}' AS p)`, status: 403, why: 'APPLY(f)' },
  // Lexer corners: the payload is outside any comment or string as ClickHouse reads it.
  { sql: `SELECT $$'$$, ${F} -- '`, status: 403, why: 'heredoc string hides a quote' },
  { sql: `SELECT 1 /* /* */ */, ${F}`, status: 403, why: 'nested comment' },
  { sql: `SELECT 1 # comment\n, ${F}`, status: 403, why: '# line comment' },
  { sql: `SELECT 1 #! comment\n, ${F}`, status: 403, why: '#! line comment' },
  { sql: `SELECT 1 // comment\n, ${F}`, status: 403, why: '// line comment' },
  { sql: `SELECT 1 -- comment\n, ${F}`, status: 403, why: '-- line comment' },
  { sql: `SELECT 'it''s', ${F}`, status: 403, why: 'doubled quote' },
  { sql: `SELECT '\\'', ${F}`, status: 403, why: 'backslash-escaped quote' },
  { sql: `SELECT '/*', ${F}, '*/'`, status: 403, why: 'comment markers inside strings' },
  // Unicode look-alikes and invisible characters: not the function, never run.
  { sql: "SELECT ｆｉｌｅ('{{SECRET}}')", status: 400, why: 'full-width letters' },
  { sql: "SELECT fil\u0435('{{SECRET}}')", status: 400, why: 'Cyrillic e' },
  { sql: "SELECT file\u200b('{{SECRET}}')", status: 403, why: 'zero-width space' },
  { sql: 'SELECT * FROM system.u\u0455ers', status: 400, why: 'Cyrillic s in a table name' },
  // Line breaks inside names would forge lines of the parse tree.
  { sql: 'SELECT `a\nFunction numbers` FROM numbers(1)', status: 403, why: 'newline in a name' },
  { sql: 'SELECT 1 AS `x) (children 3`', status: 403, why: 'forged children count' },
  // More than one statement, writes, DDL.
  { sql: `SELECT 1; SELECT ${F}`, status: 400, why: 'two statements' },
  { sql: 'SELECT 1; CREATE TABLE pwned (a Int8) ENGINE = Memory', status: 400, why: 'two statements' },
  { sql: 'SELECT 1 // x\n; CREATE TABLE pwned (a Int8) ENGINE = Memory', status: 400, why: 'two' },
  { sql: 'CREATE TABLE pwned (a Int8) ENGINE = Memory', status: 403, why: 'DDL' },
  { sql: 'DROP TABLE IF EXISTS {{DB}}.otel_traces', status: 403, why: 'DDL' },
  { sql: 'ALTER TABLE {{DB}}.otel_traces DELETE WHERE 1', status: 403, why: 'mutation' },
  { sql: 'INSERT INTO pwned VALUES (1)', status: 403, why: 'insert' },
  { sql: "INSERT INTO FUNCTION file('{{OUT}}') SELECT 1", status: 403, why: 'write a file' },
  { sql: 'SET readonly = 0', status: 403, why: 'session setting' },
  { sql: 'USE system', status: 403, why: 'switch database' },
  { sql: 'KILL QUERY WHERE 1', status: 403, why: 'kill' },
  { sql: 'SYSTEM DROP DNS CACHE', status: 403, why: 'system command' },
  { sql: 'EXISTS TABLE system.users', status: 403, why: 'not a listed statement' },
  // INTO OUTFILE, SETTINGS, FORMAT.
  { sql: "SELECT 1 INTO OUTFILE '{{OUT}}'", status: 403, why: 'outfile' },
  { sql: `SELECT 1 INTO OUTFILE '{{OUT}}' TRUNCATE COMPRESSION 'gzip'`, status: 403, why: 'outfile' },
  { sql: "SHOW TABLES INTO OUTFILE '{{OUT}}'", status: 403, why: 'outfile on SHOW' },
  { sql: "DESCRIBE TABLE system.one INTO OUTFILE '{{OUT}}'", status: 403, why: 'outfile' },
  { sql: 'SELECT 1 SETTINGS readonly = 0', status: 400, why: 'caller settings' },
  { sql: 'SELECT * FROM (SELECT 1 SETTINGS readonly = 0)', status: 400, why: 'settings in subquery' },
  { sql: 'SELECT 1 FORMAT JSON SETTINGS readonly = 0', status: 400, why: 'settings after FORMAT' },
  { sql: 'SHOW TABLES SETTINGS readonly = 0', status: 400, why: 'settings on SHOW' },
  { sql: 'EXPLAIN PIPELINE header = 1 SELECT 1', status: 400, why: 'EXPLAIN options are a Set' },
  { sql: 'SELECT 1 FORMAT CSV', status: 400, why: 'format outside the list' },
  { sql: 'SELECT 1 FORMAT TabSeparated', status: 400, why: 'format outside the list' },
  // Table functions reaching files, the network, processes, other tables.
  { sql: `SELECT * FROM file('{{SECRET}}', 'LineAsString')`, status: 403, why: 'table file()' },
  { sql: `SELECT * FROM numbers(1) AS n JOIN file('{{SECRET}}', 'LineAsString') AS f ON 1`, status: 403, why: 'JOIN' },
  { sql: "SELECT * FROM url('http://127.0.0.1:9/x', 'CSV', 'a String')", status: 403, why: 'url' },
  { sql: "SELECT * FROM s3('http://127.0.0.1:9/b/x.csv')", status: 403, why: 's3' },
  { sql: "SELECT * FROM remote('127.0.0.1', system.one)", status: 403, why: 'remote' },
  { sql: "SELECT * FROM cluster('default', system.one)", status: 403, why: 'cluster' },
  { sql: "SELECT * FROM mysql('127.0.0.1:9', 'd', 't', 'u', 'p')", status: 403, why: 'mysql' },
  { sql: "SELECT * FROM executable('id', 'TSV', 'a String')", status: 403, why: 'process' },
  { sql: "SELECT * FROM merge('system', '^users$')", status: 403, why: 'merge over system' },
  { sql: 'SELECT * FROM loop(numbers(1)) LIMIT 1', status: 403, why: 'loop' },
  { sql: "SELECT * FROM generateRandom('a String') LIMIT 1", status: 403, why: 'generator' },
  { sql: "SELECT * FROM input('a String')", status: 403, why: 'input' },
  { sql: "SELECT * FROM filesystem('/')", status: 403, why: 'directory listing' },
  { sql: `DESCRIBE TABLE file('{{SECRET}}')`, status: 403, why: 'DESCRIBE a table function' },
  { sql: `EXPLAIN SELECT ${F}`, status: 403, why: 'EXPLAIN of a refused query' },
  { sql: `EXPLAIN SYNTAX SELECT (SELECT ${F})`, status: 403, why: 'EXPLAIN SYNTAX' },
  { sql: 'EXPLAIN AST CREATE TABLE pwned (a Int8) ENGINE = Memory', status: 403, why: 'EXPLAIN DDL' },
  // Functions that read other tables, dictionaries, models or hosts by name.
  { sql: "SELECT joinGet('{{DB}}.aiobs_api_keys', 'kind', 'x')", status: 403, why: 'joinGet' },
  { sql: "SELECT dictGet('d', 'a', toUInt64(1))", status: 403, why: 'dictionaries' },
  { sql: "SELECT hasColumnInTable('127.0.0.1', 'system', 'users', 'name')", status: 403, why: 'remote host' },
  { sql: "SELECT catboostEvaluate('{{SECRET}}', 1)", status: 403, why: 'model from a file' },
  { sql: 'SELECT addressToLine(toUInt64(1))', status: 403, why: 'introspection' },
  // Tables: system.* outside the list, other databases, credentials.
  { sql: 'SELECT * FROM system.users', status: 403, why: 'users' },
  { sql: 'SELECT name FROM SYSTEM.users', status: 403, why: 'case of the database' },
  { sql: 'SELECT * FROM system.processes', status: 403, why: 'processes' },
  { sql: 'SELECT * FROM system.query_log', status: 403, why: 'query log' },
  { sql: 'SELECT * FROM system.grants', status: 403, why: 'grants' },
  { sql: 'SELECT * FROM system.zookeeper', status: 403, why: 'keeper' },
  { sql: 'SELECT * FROM system.disks', status: 403, why: 'paths' },
  { sql: 'SELECT 1 FROM system.one WHERE 1 IN (SELECT 1 FROM system.users)', status: 403, why: 'IN subquery' },
  { sql: "SELECT 1 WHERE 'x' IN system.users", status: 403, why: 'IN table' },
  { sql: 'SELECT * FROM {t:Identifier}', params: { t: 'system.users' }, status: 403, why: 'param' },
  { sql: 'SELECT * FROM {{DB}}.aiobs_api_keys', status: 403, why: 'credential table' },
  { sql: 'SELECT key_hash FROM aiobs_api_keys', status: 403, why: 'credential table' },
  { sql: 'SELECT * FROM `aiobs_api_keys`', status: 403, why: 'back-quoted' },
  { sql: 'SELECT * FROM {{DB}}.aiobs_projects', status: 403, why: 'credential table' },
  { sql: "SELECT 1 WHERE 'x' IN {{DB}}.aiobs_api_keys", status: 403, why: 'IN credential table' },
  { sql: 'SHOW CREATE TABLE system.users', status: 403, why: 'system table' },
  { sql: 'DESCRIBE TABLE system.users', status: 403, why: 'system table' },
  { sql: 'SHOW PROCESSLIST', status: 403, why: 'processes' },
  { sql: 'SHOW GRANTS', status: 403, why: 'grants' },
  { sql: 'SHOW USERS', status: 403, why: 'users' },
  { sql: 'SELECT * FROM otherdb.t', status: 403, why: 'another database' },
];

/** Statements that must work through the gate (and return these first rows). */
export const ALLOWED_SQL: readonly { sql: string; params?: Record<string, unknown> }[] = [
  { sql: 'SELECT 1 AS one' },
  { sql: 'select count() AS n from otel_traces' },
  { sql: 'WITH x AS (SELECT 2 AS a) SELECT a FROM x' },
  { sql: 'SELECT {n:UInt8} + 1 AS n', params: { n: 41 } },
  { sql: 'SELECT sumIf(number, number > 1) AS s, uniqExactOrNull(number) AS u FROM numbers(10)' },
  { sql: 'SELECT arrayMap(x -> x * 2, [1, 2]) AS a' },
  { sql: 'SELECT count() AS n FROM numbers(10) WHERE number IN (SELECT number FROM numbers(5))' },
  { sql: 'SELECT 1 AS a UNION ALL SELECT 2' },
  { sql: 'SELECT 1 AS a FORMAT JSON' },
  { sql: 'SHOW TABLES' },
  { sql: 'SHOW DATABASES' },
  { sql: 'DESCRIBE TABLE otel_traces' },
  { sql: 'EXPLAIN SELECT count() FROM otel_traces' },
  { sql: 'SELECT name FROM system.tables WHERE database = currentDatabase() ORDER BY name' },
  { sql: 'SELECT count() AS n FROM system.columns' },
  { sql: "SELECT getSetting('readonly') AS ro" },
  { sql: 'SELECT * FROM numbers(3) /* a comment */ -- another\n' },
  { sql: "SELECT 'file(' AS s, 'system.users' AS t" },
  { sql: 'SELECT number, row_number() OVER (ORDER BY number) AS r FROM numbers(3)' },
  { sql: 'SELECT quantile(0.5)(number) AS q, quantilesTDigest(0.1, 0.9)(number) AS qs FROM numbers(10)' },
  { sql: 'SELECT 1 AS a WHERE exists(SELECT 1) AND 1 IN (1, 2) AND 2 NOT IN (3)' },
  { sql: "SELECT CAST(1 AS String) AS s, 2::String AS t, now() - INTERVAL 1 DAY AS d" },
  { sql: 'SELECT toStartOfInterval(now(), INTERVAL 5 MINUTE) AS b, if(1, 2, 3) AS c, 1 ? 2 : 3 AS e' },
  { sql: 'SELECT arrayJoin([1, 2]) AS x ORDER BY x LIMIT 1 BY x LIMIT 5 OFFSET 0' },
  { sql: 'SELECT number % 2 AS k, count() AS n FROM numbers(10) GROUP BY GROUPING SETS ((k), ()) ORDER BY k' },
  { sql: 'SELECT number % 2 AS k, count() AS n FROM numbers(10) GROUP BY k WITH TOTALS HAVING n > 0' },
  { sql: 'SELECT x FROM (SELECT [1, 2] AS arr) ARRAY JOIN arr AS x' },
  { sql: 'SELECT number AS n FROM numbers(3) ORDER BY n WITH FILL FROM 0 TO 5' },
  { sql: 'SELECT number AS n, sum(n) OVER w AS s FROM numbers(3) WINDOW w AS (ORDER BY n) QUALIFY s > 0' },
  { sql: 'SELECT a.number AS x FROM numbers(3) AS a INNER JOIN numbers(2) AS b ON a.number = b.number' },
  { sql: "SELECT JSONExtractString('{\"a\":\"b\"}', 'a') AS v, lower('X') AS l, LCASE('Y') AS u" },
  { sql: 'SELECT * EXCEPT (dummy), COLUMNS(\'dum\') FROM system.one' },
  { sql: 'SELECT 1 AS a INTERSECT SELECT 1 EXCEPT SELECT 2' },
  { sql: 'SELECT untuple((1, 2)), number % 2 AS k, grouping(k) AS g FROM numbers(2) GROUP BY ROLLUP(k)' },
  { sql: "SELECT * FROM values('a UInt8', 1, 2)" },
  { sql: 'SELECT * FROM view(SELECT 1 AS a)' },
  { sql: 'SHOW COLUMNS FROM otel_traces' },
  { sql: 'SHOW CREATE TABLE otel_traces' },
  { sql: 'EXPLAIN PIPELINE SELECT count() FROM otel_traces' },
  { sql: 'EXPLAIN AST SELECT 1' },
  { sql: 'SELECT table_name, column_name FROM INFORMATION_SCHEMA.COLUMNS LIMIT 1' },
];
