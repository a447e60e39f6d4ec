import type { DataFormat } from '@clickhouse/client';
import { BadRequestError, ForbiddenError } from '../errors.js';
import {
  isEngineError,
  limitError,
  limitSettings,
  type Params,
  type QueryLimits,
  resultTooLargeError,
} from '../storage/db.js';
import type { Engine } from '../storage/engine.js';
import { AstParseError, parseExplainAst } from './sql-gate/ast.js';
import {
  createFunctionCatalog,
  type FunctionCatalog,
  type FunctionRow,
} from './sql-gate/functions.js';
import { ALLOWED_ENGINE, ALLOWED_FORMATS } from './sql-gate/lists.js';
import { inspectQuery, SqlRefusal, type TableRef } from './sql-gate/policy.js';
import {
  checkParams,
  engineMessage,
  projectFilterSetting,
  ResultTooLarge,
  readAll,
  readAllBytes,
  withoutSets,
} from './sql-gate/support.js';

/**
 * The one way ad-hoc SQL reaches the engine (`POST /api/v1/query`, and the
 * Grafana-compatible endpoint later). The engine's own parser decides what the text is:
 *
 * 1. `formatQuery({sql:String})`, with the caller's text as a bound parameter, parses one
 *    statement (it refuses multi-statements) and prints its canonical form: comments,
 *    `$$…$$` strings and lexer corner cases are gone. The canonical form must print
 *    itself unchanged, so what is checked is what runs.
 * 2. `EXPLAIN AST <canonical>` (which only parses: nothing is evaluated) gives the tree,
 *    walked against the rules in `sql-gate/policy.ts`: statement kind, every function
 *    (scalar, table, inside lambdas and subqueries, resolved through aliases), every
 *    table, FORMAT, SETTINGS, INTO OUTFILE.
 * 3. The canonical text runs, never the caller's, with `readonly = 1` and the query limits
 *    in its own SETTINGS clause (and the project filter for scoped callers).
 *
 * `readonly = 1` alone is not enough: the embedded engine's scalar `file()` works under it.
 */
export interface SqlGate {
  /** Parses and checks `sql`; throws 400 (syntax) or 403 (refused construct). */
  check(sql: string, params?: Params): Promise<CheckedQuery>;
  /** Checks, then runs the canonical statement under the limits; returns the raw answer. */
  run(sql: string, opts?: RunOptions): Promise<QueryResult>;
}

/** A statement the gate accepted. */
export interface CheckedQuery {
  /** Canonical text without its FORMAT clause: what `run` executes. */
  readonly statement: string;
  /** The statement's own FORMAT, if it had one (from the allowed list). */
  readonly format: string | undefined;
  /** Tables of the configured database it reads. */
  readonly tables: readonly TableRef[];
  /** Lines of the statement's parse tree: `run` checks the executed text against it. */
  readonly astLines: number;
}

export interface RunOptions {
  /** Bound `{name:Type}` parameters. */
  params?: Params;
  /** Output format; default the statement's own FORMAT, else `JSONEachRow`. */
  format?: string;
  /** Limit every table with a project column to this project (applied by the engine). */
  projectScope?: { projectId: string };
}

/** The engine's answer in `format`. */
export interface QueryResult {
  readonly format: string;
  readonly body: Buffer;
}

export interface SqlGateOptions {
  /** The configured database (aiobs's tables). */
  database: string;
  limits: QueryLimits;
}

const SETTINGS_REFUSED = 'SETTINGS clauses are not accepted; the API sets the limits itself';

/** Columns that carry the project in aiobs's tables (OTel tables, then aiobs's own). */
const PROJECT_COLUMNS = ['ProjectId', 'project_id'];

/** Creates the gate for an engine. Catalogue lookups are read once, on first use. */
export function createSqlGate(engine: Engine, opts: SqlGateOptions): SqlGate {
  const { client } = engine;
  let context: Promise<{ currentDatabase: string; functions: FunctionCatalog }> | undefined;

  async function select<T>(query: string, params: Params = {}): Promise<T[]> {
    const r = await client.query({ query, query_params: params, format: 'JSONEachRow' });
    return r.json<T>();
  }

  function loadContext() {
    context ??= (async () => {
      const [db] = await select<{ db: string }>('SELECT currentDatabase() AS db');
      const rows = await select<FunctionRow>(
        'SELECT name, alias_to, case_insensitive, is_aggregate, origin FROM system.functions',
      );
      const comb = await select<{ name: string }>(
        'SELECT name FROM system.aggregate_function_combinators',
      );
      return {
        currentDatabase: db!.db,
        functions: createFunctionCatalog(
          rows,
          comb.map((c) => c.name),
        ),
      };
    })().catch((err) => {
      context = undefined;
      throw err;
    });
    return context;
  }

  async function canonical(sql: string): Promise<string> {
    try {
      const [row] = await select<{ q: string }>('SELECT formatQuery({sql:String}) AS q', { sql });
      return row!.q;
    } catch (err) {
      if (!isEngineError(err)) throw err;
      throw new BadRequestError(
        `cannot parse the query: ${engineMessage(err.message)}`,
        'sql',
        err,
      );
    }
  }

  async function explainAst(statement: string, params: Params): Promise<string[]> {
    let text: string;
    try {
      // exec, not query: query would append its own FORMAT to the explained statement.
      const r = await client.exec({
        query: `EXPLAIN AST ${statement}`,
        query_params: params,
        clickhouse_settings: { default_format: 'JSONEachRow' },
      });
      text = await readAll(r.stream, Number.POSITIVE_INFINITY);
    } catch (err) {
      if (!isEngineError(err)) throw err;
      throw new BadRequestError(
        `cannot parse the query: ${engineMessage(err.message)}`,
        'sql',
        err,
      );
    }
    try {
      return text
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => {
          const v = (JSON.parse(l) as { explain?: unknown }).explain;
          if (typeof v !== 'string') throw new Error('no explain column');
          return v;
        });
    } catch {
      throw new ForbiddenError('the query could not be analysed (its parse tree was unreadable)');
    }
  }

  async function checkCanonical(
    statement: string,
    params: Params,
  ): Promise<{ format: string | undefined; tables: TableRef[]; lines: number }> {
    const ctx = await loadContext();
    const lines = await explainAst(statement, params);
    try {
      const tree = parseExplainAst(lines);
      const inspection = inspectQuery(tree, { database: opts.database, ...ctx }, statement);
      return { ...inspection, lines: lines.length };
    } catch (err) {
      if (err instanceof SqlRefusal)
        throw err.kind === 'forbidden'
          ? new ForbiddenError(err.message)
          : new BadRequestError(err.message, 'sql');
      if (err instanceof AstParseError)
        throw new ForbiddenError(
          `the query could not be analysed (${err.message}); names with line breaks or parentheses are not supported`,
        );
      throw err;
    }
  }

  async function check(sql: string, params: Params = {}): Promise<CheckedQuery> {
    const checked = await checkText(sql, params);
    await checkEngines(checked.tables);
    return checked;
  }

  /**
   * Tables of the configured database are read through their engine: only engines that
   * hold their own data pass. Views (whose query the walk never saw), Merge, Buffer,
   * Distributed, Alias and every engine over files, URLs or other servers are refused, so
   * a table an operator made that way cannot reach outside through this API (in cluster
   * mode, but for the Distributed tables over the tables' own shards).
   */
  async function checkEngines(tables: readonly TableRef[]): Promise<void> {
    if (tables.length === 0) return;
    const names = [...new Set(tables.map((t) => t.table))];
    const rows = await select<{ name: string; engine: string; full: string }>(
      'SELECT name, engine, engine_full AS full FROM system.tables WHERE database = {db:String} AND name IN {names:Array(String)}',
      // In cluster mode each table is read through a Distributed table over `<name>_local`.
      {
        db: opts.database,
        names: engine.cluster ? [...names, ...names.map((n) => `${n}_local`)] : names,
      },
    );
    const allowed = new Set(rows.filter((r) => ALLOWED_ENGINE.test(r.engine)).map((r) => r.name));
    // The one Distributed table that passes: the one migrations put over the table's own
    // shards (configured cluster, this database, `<name>_local` holding its own data).
    const ownShards = (r: { name: string; engine: string; full: string }) =>
      engine.cluster !== undefined &&
      r.engine === 'Distributed' &&
      allowed.has(`${r.name}_local`) &&
      r.full.startsWith(`Distributed('${engine.cluster}', '${opts.database}', '${r.name}_local',`);
    for (const r of rows)
      if (!allowed.has(r.name) && !ownShards(r))
        throw new ForbiddenError(
          `${r.name} is a ${r.engine} table, which may read outside the database; it cannot be queried through this API`,
        );
  }

  async function checkText(sql: string, params: Params): Promise<CheckedQuery> {
    checkParams(params);
    const text = await canonical(sql);
    // The formatter starts every SETTINGS clause on a line of its own (line breaks inside
    // names and strings come out escaped). Refusing them before EXPLAIN AST keeps the
    // caller's settings from applying even to that parse-only statement; the walk below
    // refuses them again from the tree.
    if (/(?:^|\n)\s*SETTINGS\s/.test(text)) throw new BadRequestError(SETTINGS_REFUSED, 'sql');
    // Likewise INTO OUTFILE: whether an EXPLAIN of it could write the file is the
    // engine's business; it never gets the chance.
    if (/(?:^|\n)\s*INTO OUTFILE\s/.test(text))
      throw new ForbiddenError('INTO OUTFILE is not allowed');
    if ((await canonical(text)) !== text)
      throw new ForbiddenError(
        'the query does not survive the engine’s own re-formatting unchanged',
      );
    const first = await checkCanonical(text, params);
    if (first.format === undefined)
      return { statement: text, format: undefined, tables: first.tables, astLines: first.lines };
    // The formatter prints FORMAT as the statement's last line. The text without it must
    // itself pass, as the same tree less that one node, so the executed text was checked.
    const suffix = `\nFORMAT ${first.format}`;
    if (!text.endsWith(suffix))
      throw new ForbiddenError('FORMAT must be the last clause of the statement');
    const statement = text.slice(0, -suffix.length);
    if ((await canonical(statement)) !== statement)
      throw new ForbiddenError(
        'the query does not survive the engine’s own re-formatting unchanged',
      );
    const second = await checkCanonical(statement, params);
    if (second.format !== undefined || second.lines !== first.lines - 1)
      throw new ForbiddenError('the FORMAT clause could not be separated from the statement');
    return { statement, format: first.format, tables: second.tables, astLines: second.lines };
  }

  /**
   * The executed text is the checked statement plus our SETTINGS and FORMAT. Parse it
   * again: it must be the same tree plus exactly one Set and one format node, and pass
   * the same rules once our Set is set aside. Appending can then never have changed what
   * the statement reads.
   */
  async function verifyExecuted(
    query: string,
    params: Params,
    checked: CheckedQuery,
    format: string,
  ) {
    const ctx = await loadContext();
    const lines = await explainAst(query, params);
    const sets = lines.filter((l) => l.trim() === 'Set').length;
    let ok = sets === 1 && lines.length === checked.astLines + 2;
    if (ok) {
      try {
        const tree = withoutSets(parseExplainAst(lines));
        const again = inspectQuery(tree, { database: opts.database, ...ctx }, query);
        ok = again.tables.length === checked.tables.length && (again.format ?? format) === format;
      } catch {
        ok = false;
      }
    }
    if (!ok) throw new ForbiddenError('the query could not be run under the API limits as written');
  }

  async function scopeSettings(checked: CheckedQuery, projectId: string): Promise<string> {
    const columns = await select<{ table: string; name: string }>(
      'SELECT table, name FROM system.columns WHERE database = {db:String} AND name IN {cols:Array(String)}',
      { db: opts.database, cols: PROJECT_COLUMNS },
    );
    const existing = await select<{ name: string }>(
      'SELECT name FROM system.tables WHERE database = {db:String}',
      { db: opts.database },
    );
    const scoped = new Set(columns.map((c) => c.table));
    const tables = new Set(existing.map((r) => r.name));
    for (const t of checked.tables) {
      // A name that is no table is a CTE (or an error the engine reports).
      if (tables.has(t.table) && !scoped.has(t.table))
        throw new ForbiddenError(
          `${t.table} has no project column; a caller limited to one project cannot read it`,
        );
    }
    return projectFilterSetting(opts.database, columns, projectId);
  }

  return {
    check,
    async run(sql, runOpts = {}) {
      const params = runOpts.params ?? {};
      const checked = await check(sql, params);
      const scope = runOpts.projectScope
        ? await scopeSettings(checked, runOpts.projectScope.projectId)
        : '';
      const format = runOpts.format ?? checked.format ?? 'JSONEachRow';
      if (!ALLOWED_FORMATS.has(format))
        throw new BadRequestError(
          `format ${format} is not accepted; use one of ${[...ALLOWED_FORMATS].join(', ')}`,
        );
      // readonly = 1 comes last: once set, the engine refuses any later setting change.
      const executable = (limits: QueryLimits) =>
        `${checked.statement}\nSETTINGS ${scope}${limitSettings(limits)}, readonly = 1` +
        `\nFORMAT ${format}`;
      const query = executable(opts.limits);
      // The clause's settings apply to EXPLAIN too, whose rows are the tree's lines: the
      // text verified differs from the one run only in the values of the result limits.
      const roomy = { ...opts.limits, maxRows: 1e9, maxResultBytes: 1e12 };
      await verifyExecuted(executable(roomy), params, checked, format);
      try {
        // FORMAT inside an EXPLAIN belongs to the explained statement; the EXPLAIN's own rows
        // come in the default format (a server's TabSeparated), so that is set as well.
        const r = await client.exec({
          query,
          query_params: params,
          clickhouse_settings: { default_format: format as DataFormat },
        });
        const body = await readAllBytes(r.stream, opts.limits.maxResultBytes);
        return { format, body };
      } catch (err) {
        if (err instanceof ResultTooLarge) throw resultTooLargeError(opts.limits, err);
        const limit = limitError(err, opts.limits);
        if (limit) throw limit;
        if (!isEngineError(err)) throw err;
        if (err.type === 'READONLY' || err.code === '164')
          throw new ForbiddenError(`refused by the engine: ${engineMessage(err.message)}`);
        throw new BadRequestError(`query failed: ${engineMessage(err.message)}`, 'sql', err);
      }
    },
  };
}
