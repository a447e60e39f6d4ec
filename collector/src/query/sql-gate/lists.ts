/**
 * What the SQL gate lets through, as data. Names are compared lower-cased unless noted.
 * Each list says why it is what it is; extend them here, not in the walk.
 */

/**
 * Functions (scalar or table) that reach files, the network, processes, other databases
 * or the engine's internals. Checked for every function in the query, wherever it sits,
 * by its written name and by the name it is an alias of.
 */
export const DENIED_FUNCTIONS: ReadonlySet<string> = new Set([
  'file',
  'url',
  'urlcluster',
  'gcs',
  'oss',
  'cosn',
  'input',
  'jdbc',
  'odbc',
  'sqlite',
  'redis',
  'ytsaurus',
  'arrowflight',
  'loop',
  'merge',
  'dictionary',
  'filesystem',
  'kql',
  'prometheusquery',
  'prometheusqueryrange',
  'timeseriesselector',
  'timeseriesmetrics',
  'timeseriestags',
  'timeseriessamples',
  // hasColumnInTable takes a host name and another database's table.
  'hascolumnintable',
  // Model evaluation loads files named by the configuration or the caller.
  'evalmlmethod',
  'modelevaluate',
  'naivebayesclassifier',
  'demangle',
  // Writes a counter to Keeper.
  'generateserialid',
]);

/**
 * Name prefixes of function families that all reach outside the database: dictionaries
 * (their sources may be files, URLs or other servers; aiobs defines none), Join tables
 * named by a string, object stores, lakes, foreign databases, clusters, introspection,
 * generators meant for fuzzing.
 */
export const DENIED_PREFIXES: readonly string[] = [
  'file',
  'dict',
  'joinget',
  's3',
  'hdfs',
  'azure',
  'iceberg',
  'deltalake',
  'hudi',
  'paimon',
  'mysql',
  'postgres',
  'mongo',
  'remote',
  'cluster',
  'executable',
  'catboost',
  'address',
  'mergetree',
  'generaterandom',
  'fuzz',
];

/** Table functions allowed in FROM: generators of numbers and constants, and `view`
 * (its subquery is part of the parsed tree and is checked like any other). */
export const ALLOWED_TABLE_FUNCTIONS: ReadonlySet<string> = new Set([
  'numbers',
  'numbers_mt',
  'zeros',
  'zeros_mt',
  'values',
  'generate_series',
  'generateseries',
  'null',
  'view',
]);

/**
 * Functions whose second argument may name a table (`x IN db.table`), lower-cased: `in`,
 * `notIn`, `globalNotNullIn`, `inIgnoreSet`, ... every combination the engine has.
 */
export const IN_FUNCTION = /^(?:global)?(?:not)?(?:null)?in(?:ignoreset)?$/;

/**
 * `system` tables a caller may read: catalogue metadata (what exists and its shape) and
 * constant generators. Never users, roles, grants, quotas, processes, logs, settings
 * profiles, clusters, disks, dictionaries or Keeper. `parts` stays out too: it carries
 * filesystem paths.
 */
export const ALLOWED_SYSTEM_TABLES: ReadonlySet<string> = new Set([
  'one',
  'numbers',
  'numbers_mt',
  'zeros',
  'zeros_mt',
  'databases',
  'tables',
  'columns',
  'functions',
  'table_functions',
  'aggregate_function_combinators',
  'data_type_families',
  'formats',
  'table_engines',
  'settings',
  'time_zones',
  'collations',
  'keywords',
  'data_skipping_indices',
]);

/** Databases other than the configured one that may be read (then by their own rules). */
export const METADATA_DATABASES: ReadonlySet<string> = new Set(['system', 'information_schema']);

/**
 * aiobs's credential tables (in the configured database): key hashes and project
 * membership. Refused by name and by any table whose name starts with one of these.
 */
export const AUTH_TABLE_PREFIXES: readonly string[] = [
  'aiobs_api_keys',
  'aiobs_projects',
  'aiobs_project_members',
  'aiobs_users',
  'aiobs_sessions',
  'aiobs_tokens',
  'aiobs_credentials',
  'aiobs_audit',
];

/**
 * Output formats a caller may name (case-sensitive, as the engine compares them): the
 * JSON family, `Native`, TabSeparated and RowBinary, which client drivers send. The engine never writes a file
 * for a format; the list keeps answers parseable by the API and its clients.
 */
export const ALLOWED_FORMATS: ReadonlySet<string> = new Set([
  'JSON',
  'JSONStrings',
  'JSONCompact',
  'JSONCompactStrings',
  'JSONEachRow',
  'JSONStringsEachRow',
  'JSONCompactEachRow',
  'JSONCompactStringsEachRow',
  'JSONCompactEachRowWithNames',
  'JSONCompactEachRowWithNamesAndTypes',
  'JSONCompactStringsEachRowWithNames',
  'JSONCompactStringsEachRowWithNamesAndTypes',
  'JSONColumns',
  'JSONColumnsWithMetadata',
  'JSONObjectEachRow',
  'JSONLines',
  'NDJSON',
  'Native',
  // Text and binary formats of the ClickHouse HTTP interface (TabSeparated is its default;
  // the Grafana-compatible endpoint answers in the format the client asks).
  'TabSeparated',
  'TabSeparatedWithNames',
  'TabSeparatedWithNamesAndTypes',
  'TSV',
  'TSVWithNames',
  'TSVWithNamesAndTypes',
  'RowBinary',
  'RowBinaryWithNames',
  'RowBinaryWithNamesAndTypes',
]);

/** Statements the gate accepts, by the root node of their parse tree. */
export const ROOT_TYPES: ReadonlySet<string> = new Set([
  'SelectWithUnionQuery',
  'Explain',
  'DescribeQuery',
  'ShowTables',
  'ShowColumns',
  'ShowFunctions',
  'ShowEngineQuery',
  'ShowCreateTableQuery',
]);

/** `EXPLAIN` kinds accepted (each only of an accepted SELECT). */
export const EXPLAIN_KINDS: ReadonlySet<string> = new Set([
  'EXPLAIN',
  'EXPLAIN AST',
  'EXPLAIN SYNTAX',
  'EXPLAIN QUERY TREE',
  'EXPLAIN PLAN',
  'EXPLAIN PIPELINE',
  'EXPLAIN ESTIMATE',
]);

/**
 * Node kinds allowed inside a SELECT. Everything else is refused, in particular `Set`
 * (a SETTINGS clause), `ColumnsApplyTransformer` (`APPLY(f)` names a function the dump
 * does not show) and every DDL/DML node.
 */
export const INNER_TYPES: ReadonlySet<string> = new Set([
  'SelectWithUnionQuery',
  'SelectIntersectExceptQuery',
  'SelectQuery',
  'ExpressionList',
  'Function',
  'Identifier',
  'Literal',
  'Asterisk',
  'QualifiedAsterisk',
  'ColumnsRegexpMatcher',
  'ColumnsListMatcher',
  'QualifiedColumnsRegexpMatcher',
  'QualifiedColumnsListMatcher',
  'ColumnsTransformerList',
  'ColumnsExceptTransformer',
  'ColumnsReplaceTransformer',
  'ColumnsReplaceTransformer::Replacement',
  'TablesInSelectQuery',
  'TablesInSelectQueryElement',
  'TableExpression',
  'TableIdentifier',
  'TableJoin',
  'ArrayJoin',
  'Subquery',
  'WithElement',
  'OrderByElement',
  'WindowDefinition',
  'WindowListElement',
  'InterpolateElement',
  'SampleRatio',
]);

/** Table engines that keep their own data (MergeTree family, aiobs's materialized views, ...). */
export const ALLOWED_ENGINE =
  /^(?:(?:Replicated)?[A-Za-z]*MergeTree|MaterializedView|Memory|Log|TinyLog|StripeLog|Null|Set|Join)$/;
