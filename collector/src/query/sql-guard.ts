/**
 * Checks ad-hoc SQL for `POST /api/v1/query` before it reaches the engine, which enforces
 * read-only itself (`readonly = 1`). This guard adds what `readonly` does not cover:
 * one statement only (the embedded engine would run several), no functions or table
 * functions that reach files, URLs or other databases, and no output format or settings
 * of the caller's choosing.
 */

/** Why a query was refused: `forbidden` (403) or `invalid` (400). */
export interface SqlRefusal {
  kind: 'forbidden' | 'invalid';
  message: string;
}

const READ_STATEMENTS = new Set([
  'select',
  'with',
  'show',
  'describe',
  'desc',
  'explain',
  'exists',
]);

/** Functions and table functions that read outside the database (lower-cased). */
const EXTERNAL_FUNCTIONS = new Set([
  'file',
  'filecluster',
  'url',
  'urlcluster',
  's3',
  's3cluster',
  'gcs',
  'oss',
  'cosn',
  'hdfs',
  'hdfscluster',
  'azureblobstorage',
  'azureblobstoragecluster',
  'remote',
  'remotesecure',
  'cluster',
  'clusterallreplicas',
  'mysql',
  'postgresql',
  'sqlite',
  'mongodb',
  'redis',
  'jdbc',
  'odbc',
  'input',
  'executable',
  'iceberg',
  'icebergs3',
  'icebergazure',
  'iceberghdfs',
  'icebergcluster',
  'deltalake',
  'deltalakecluster',
  'hudi',
  'hudicluster',
  'ytsaurus',
  'arrowflight',
  'paimon',
  'dictionary',
  'loop',
  'fuzzjson',
  'fuzzquery',
  'generaterandom',
]);

interface Token {
  kind: 'word' | 'punct' | 'string' | 'quoted';
  text: string;
}

/** Splits SQL into tokens, skipping whitespace and comments. Throws on an unclosed quote. */
export function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const ch = sql[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '-' && sql[i + 1] === '-') {
      while (i < n && sql[i] !== '\n') i++;
    } else if (ch === '#' && sql[i + 1] === '!') {
      while (i < n && sql[i] !== '\n') i++;
    } else if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0) throw new Error('unclosed /* comment');
      i = end + 2;
    } else if (ch === "'" || ch === '"' || ch === '`') {
      let j = i + 1;
      while (j < n && sql[j] !== ch) j += sql[j] === '\\' ? 2 : 1;
      if (j >= n) throw new Error(`unclosed ${ch} quote`);
      out.push({ kind: ch === "'" ? 'string' : 'quoted', text: sql.slice(i + 1, j) });
      i = j + 1;
    } else if (/[A-Za-z_]/.test(ch)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_$]/.test(sql[j]!)) j++;
      out.push({ kind: 'word', text: sql.slice(i, j) });
      i = j;
    } else if (/[0-9]/.test(ch)) {
      let j = i + 1;
      while (j < n && /[0-9A-Za-z_.]/.test(sql[j]!)) j++;
      out.push({ kind: 'punct', text: sql.slice(i, j) });
      i = j;
    } else {
      out.push({ kind: 'punct', text: ch });
      i++;
    }
  }
  return out;
}

/**
 * Returns why `sql` may not run, or undefined when it may. The caller then appends
 * `SETTINGS readonly = 1, ...` (or extends the query's own SETTINGS clause).
 */
export function checkReadOnlySql(sql: string): SqlRefusal | undefined {
  let tokens: Token[];
  try {
    tokens = tokenize(sql);
  } catch (err) {
    return { kind: 'invalid', message: `cannot parse SQL: ${(err as Error).message}` };
  }
  while (tokens.length > 0 && tokens[tokens.length - 1]!.text === ';') tokens.pop();
  if (tokens.length === 0) return { kind: 'invalid', message: 'sql is empty' };
  if (tokens.some((t) => t.kind === 'punct' && t.text === ';'))
    return { kind: 'invalid', message: 'only one statement per request' };
  const first = tokens[0]!;
  const lead = first.kind === 'punct' && first.text === '(' ? 'select' : first.text.toLowerCase();
  if (first.kind !== 'word' && lead !== 'select')
    return { kind: 'invalid', message: 'sql must start with a statement' };
  if (!READ_STATEMENTS.has(lead))
    return {
      kind: 'forbidden',
      message: `only read-only queries are allowed (SELECT, WITH, SHOW, DESCRIBE, EXPLAIN); got ${first.text.toUpperCase()}`,
    };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'word' && t.kind !== 'quoted') continue;
    const word = t.text.toLowerCase();
    const next = tokens[i + 1];
    if (next?.text === '(' && EXTERNAL_FUNCTIONS.has(word))
      return {
        kind: 'forbidden',
        message: `${t.text}() reads outside the database and is not allowed`,
      };
    if (t.kind !== 'word') continue;
    const prev = tokens[i - 1]?.text.toLowerCase();
    const after = tokens[i + 2];
    if (word === 'outfile' && prev === 'into')
      return { kind: 'forbidden', message: 'INTO OUTFILE is not allowed' };
    // A FORMAT clause is `FORMAT <name>` closing the statement and a SETTINGS clause is
    // `SETTINGS <name> = ...`; a column that happens to be called format is neither.
    const isFormat =
      word === 'format' &&
      next?.kind === 'word' &&
      (after === undefined || after.text.toLowerCase() === 'settings');
    if (isFormat && depthAt(tokens, i) === 0)
      return {
        kind: 'invalid',
        message: 'FORMAT is chosen by the API (results are JSON); remove the FORMAT clause',
      };
    const isSettings = word === 'settings' && next?.kind === 'word' && after?.text === '=';
    if (isSettings && depthAt(tokens, i) === 0)
      return {
        kind: 'invalid',
        message: 'SETTINGS clauses are not accepted; the API sets limits itself',
      };
  }
  return undefined;
}

function depthAt(tokens: Token[], index: number): number {
  let depth = 0;
  for (let i = 0; i < index; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'punct') continue;
    if (t.text === '(') depth++;
    else if (t.text === ')') depth--;
  }
  return depth;
}
