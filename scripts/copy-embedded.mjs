#!/usr/bin/env node
// Copies the data of a stopped collector's embedded engine (<data-dir>/clickhouse, chDB) into
// a ClickHouse server or cluster whose schema the same aiobs version created
// (docs/scaling.md, "Moving from the embedded engine to a server or cluster").
//
// Every table is copied as it is, derived tables included, while the target's materialized
// views are detached: nothing is derived twice, and rollups kept longer than the spans they
// came from survive. The target's tables are emptied first (the schema run's bootstrap wrote
// fresh credentials; the old keys, users and schema versions come with the copy), so the
// target must be the new, otherwise unused database. The engine streams each table to the
// server's HTTP interface (`INSERT … FORMAT Native` through chDB's url() table function);
// in cluster mode into the Distributed tables, which shard the rows by the documented keys.
// Row counts are compared per table (after FINAL for tables that collapse rows).
//
// Usage: node scripts/copy-embedded.mjs --data-dir DIR --url http://host:8123 [--user U]
//   [--password P] [--database aiobs] [--cluster NAME] [--source-database default]
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createClient } from '@clickhouse/client';
import { Session } from 'chdb';

const { values: a } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    url: { type: 'string' },
    user: { type: 'string', default: process.env.CLICKHOUSE_USER ?? 'default' },
    password: { type: 'string', default: process.env.CLICKHOUSE_PASSWORD ?? '' },
    database: { type: 'string', default: process.env.CLICKHOUSE_DATABASE ?? 'default' },
    cluster: { type: 'string', default: process.env.CLICKHOUSE_CLUSTER },
    'source-database': { type: 'string', default: 'default' },
  },
});
if (!a['data-dir'] || !a.url) {
  console.error('usage: node scripts/copy-embedded.mjs --data-dir DIR --url http://host:8123 …');
  process.exit(2);
}
const ident = /^[A-Za-z_][A-Za-z0-9_]*$/;
for (const k of ['database', 'source-database', 'cluster'])
  if (a[k] !== undefined && !ident.test(a[k])) throw new Error(`--${k} must be a plain identifier`);
const db = a.database;
const srcDb = a['source-database'];
const onCluster = a.cluster ? ` ON CLUSTER ${a.cluster}` : '';

const src = new Session(join(resolve(a['data-dir']), 'clickhouse'));
const srcRows = (sql) =>
  src
    .query(sql, 'JSONEachRow')
    .toString()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
const target = createClient({ url: a.url, username: a.user, password: a.password });
const targetRows = async (sql, params = {}) =>
  (await target.query({ query: sql, query_params: params, format: 'JSONEachRow' })).json();
const command = (sql) => target.command({ query: sql });

/** Source tables that hold rows (views hold none), with their insertable columns. */
const tables = srcRows(
  `SELECT name, engine FROM system.tables WHERE database = '${srcDb}' AND engine LIKE '%MergeTree' ORDER BY name`,
).map((t) => ({
  ...t,
  columns: srcRows(
    `SELECT name, type FROM system.columns WHERE database = '${srcDb}' AND table = '${t.name}'
       AND default_kind NOT IN ('MATERIALIZED', 'ALIAS', 'EPHEMERAL') ORDER BY position`,
  ),
}));
const targetTables = new Set(
  (await targetRows('SELECT name FROM system.tables WHERE database = {db:String}', { db })).map(
    (r) => r.name,
  ),
);
const missing = tables.filter((t) => !targetTables.has(t.name)).map((t) => t.name);
if (missing.length) {
  console.error(
    `the target lacks ${missing.join(', ')}: start a collector of the same version on it first`,
  );
  process.exit(1);
}
const views = (
  await targetRows(
    `SELECT name FROM system.tables WHERE database = {db:String} AND engine = 'MaterializedView'`,
    { db },
  )
).map((r) => r.name);

const collapses = (engine) => /Replacing|Aggregating|Summing|Collapsing/.test(engine);
const basic = Buffer.from(`${a.user}:${a.password}`).toString('base64');
const sqlString = (s) => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

for (const v of views) await command(`DETACH TABLE ${db}.${v}${onCluster}`);
console.log(`detached ${views.length} materialized views on the target`);
let failed = false;
try {
  for (const t of tables) {
    // Cluster mode: the data lives in <table>_local on every shard; <table> is Distributed.
    await command(`TRUNCATE TABLE ${db}.${t.name}${a.cluster ? '_local' : ''}${onCluster}`);
    const names = t.columns.map((c) => `\`${c.name}\``).join(', ');
    const structure = t.columns.map((c) => `\`${c.name}\` ${c.type}`).join(', ');
    const insert = `INSERT INTO ${db}.${t.name} (${names}) FORMAT Native`;
    const url = `${a.url.replace(/\/$/, '')}/?query=${encodeURIComponent(insert)}&distributed_foreground_insert=1`;
    const t0 = performance.now();
    src.query(
      `INSERT INTO FUNCTION url(${sqlString(url)}, 'Native', ${sqlString(structure)},
         headers('Authorization' = ${sqlString(`Basic ${basic}`)}))
       SELECT ${names} FROM ${srcDb}.${t.name}`,
    );
    const final = collapses(t.engine) ? ' FINAL' : '';
    const [{ n: from }] = srcRows(`SELECT count() AS n FROM ${srcDb}.${t.name}${final}`);
    const [{ n: to }] = await targetRows(`SELECT count() AS n FROM ${db}.${t.name}${final}`);
    const ok = Number(from) === Number(to);
    failed ||= !ok;
    console.log(
      `${ok ? 'ok  ' : 'DIFF'} ${t.name}: ${from} rows${final} here, ${to} on the target (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    );
  }
} finally {
  for (const v of views) await command(`ATTACH TABLE ${db}.${v}${onCluster}`);
  console.log(`attached ${views.length} materialized views again`);
  await target.close();
  src.close();
}
process.exit(failed ? 1 : 0);
