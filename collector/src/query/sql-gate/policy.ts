import type { AstNode } from './ast.js';
import { type FunctionCatalog, isDeniedName, resolveFunction } from './functions.js';
import {
  ALLOWED_FORMATS,
  ALLOWED_SYSTEM_TABLES,
  ALLOWED_TABLE_FUNCTIONS,
  AUTH_TABLE_PREFIXES,
  EXPLAIN_KINDS,
  IN_FUNCTION,
  INNER_TYPES,
  METADATA_DATABASES,
  ROOT_TYPES,
} from './lists.js';

/**
 * The gate's rules applied to a parsed query (pure). Every refusal names the construct
 * that caused it, so a caller knows what to change.
 */

/** Why a query may not run: `forbidden` (403) or `invalid` (400). */
export class SqlRefusal extends Error {
  override readonly name = 'SqlRefusal';
  constructor(
    readonly kind: 'forbidden' | 'invalid',
    message: string,
  ) {
    super(message);
  }
}

/** What the walk needs to know about the engine. */
export interface PolicyContext {
  /** The configured database (aiobs's tables). */
  readonly database: string;
  /** The database unqualified table names resolve to. */
  readonly currentDatabase: string;
  readonly functions: FunctionCatalog;
}

/** A table of the configured database the query reads. */
export interface TableRef {
  readonly database: string;
  readonly table: string;
}

/** What an accepted query looks like to the caller of the walk. */
export interface Inspection {
  /** The statement's own `FORMAT`, when it names one (already checked against the list). */
  readonly format: string | undefined;
  /** Tables of the configured database it reads (for the project scope). */
  readonly tables: TableRef[];
}

type State = { format: string | undefined; tables: TableRef[] };

const forbid = (message: string) => new SqlRefusal('forbidden', message);
// SETTINGS and FORMAT are not privileges the caller lacks but choices the API makes
// itself (limits, answer shape): 400, as for any request that will never work as sent.
const settingsRefusal = () =>
  new SqlRefusal('invalid', 'SETTINGS clauses are not accepted; the API sets the limits itself');
const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** The formatter's spelling of SHOW TABLES / SHOW DATABASES (it drops FULL). */
const SHOW_TABLES = /^SHOW (?:TEMPORARY )?(?:TABLES|DATABASES)(?:\s|$)/;

/**
 * Checks a parsed statement against the rules. `canonical` is the formatter's text of
 * the same statement, needed where the dump does not tell statements apart.
 *
 * @throws SqlRefusal naming the first construct that is not allowed
 */
export function inspectQuery(root: AstNode, ctx: PolicyContext, canonical = ''): Inspection {
  const state: State = { format: undefined, tables: [] };
  if (!ROOT_TYPES.has(root.type))
    throw forbid(
      `${describeRoot(root)} is not allowed; only one SELECT, WITH … SELECT, SHOW TABLES/COLUMNS/CREATE TABLE, DESCRIBE or EXPLAIN statement`,
    );
  if (root.type === 'SelectWithUnionQuery') {
    outputClauses(root, root.children.slice(1), state);
    walk(root.children[0], root, ctx, state);
  } else if (root.type === 'Explain') {
    if (!EXPLAIN_KINDS.has(root.payload)) throw forbid(`${root.payload} is not allowed`);
    const statements = root.children.filter((c) => isSelect(c));
    if (statements.length !== 1)
      throw forbid('EXPLAIN is allowed only of a SELECT (or WITH … SELECT) statement');
    outputClauses(
      root,
      root.children.filter((c) => !isSelect(c)),
      state,
    );
    const inner = inspectQuery(statements[0]!, ctx, canonical);
    state.tables.push(...inner.tables);
  } else if (root.type === 'DescribeQuery') {
    const [target, ...rest] = root.children;
    if (target?.type !== 'TableExpression') throw forbid('DESCRIBE needs a table or subquery');
    outputClauses(root, rest, state);
    walk(target, root, ctx, state);
  } else if (root.type === 'ShowCreateTableQuery') {
    outputClauses(
      root,
      root.children.filter((c) => c.type !== 'Identifier'),
      state,
    );
    // The payload is `<database> <table>`, with an empty database when none was written.
    checkTable(root.payload.split(' ').filter(Boolean).join('.'), ctx, state);
  } else {
    // The dump prints SHOW TABLES, DATABASES, CLUSTERS, MERGES, DICTIONARIES, SETTINGS and
    // FILESYSTEM CACHES all as a bare ShowTables: only the canonical text tells them apart.
    if (root.type === 'ShowTables' && !SHOW_TABLES.test(canonical))
      throw forbid('of the SHOW … lists only SHOW TABLES and SHOW DATABASES are allowed');
    // SHOW TABLES/DATABASES/COLUMNS/FUNCTIONS/ENGINES are rewritten by the engine into
    // SELECTs of system.tables, databases, columns, functions and table_engines: metadata
    // only. Their dump does not show every clause, so only settings and INTO OUTFILE
    // (which it does show) are checked; a FORMAT reads like a database name there.
    outputClauses(
      root,
      root.children.filter((c) => c.type !== 'Identifier'),
      state,
    );
  }
  return state;
}

function isSelect(n: AstNode): boolean {
  return n.type === 'SelectWithUnionQuery' || n.type === 'SelectIntersectExceptQuery';
}

function describeRoot(root: AstNode): string {
  const name = root.type.replace(/Query$/, '');
  return `the statement type ${name}`;
}

/** The clauses after a statement: FORMAT (an Identifier), INTO OUTFILE (a Literal), SETTINGS (Set). */
function outputClauses(owner: AstNode, extras: readonly AstNode[], state: State): void {
  for (const c of extras) {
    if (c.type === 'Set') throw settingsRefusal();
    if (c.type === 'Literal') throw forbid('INTO OUTFILE is not allowed');
    if (c.type === 'Identifier' && c.children.length === 0) {
      if (!ALLOWED_FORMATS.has(c.payload))
        throw new SqlRefusal(
          'invalid',
          `FORMAT ${c.payload} is not accepted; use one of ${[...ALLOWED_FORMATS].join(', ')}`,
        );
      if (state.format !== undefined) throw forbid('only one FORMAT clause is allowed');
      state.format = c.payload;
      continue;
    }
    throw forbid(`unexpected ${c.type} clause in ${owner.type}`);
  }
}

function walk(node: AstNode | undefined, parent: AstNode, ctx: PolicyContext, state: State): void {
  if (!node) return;
  if (node.type === 'Set') throw settingsRefusal();
  if (node.type === 'ColumnsApplyTransformer')
    throw forbid('APPLY(…) column transformers are not allowed; call the function directly');
  if (!INNER_TYPES.has(node.type)) throw forbid(`${node.type} is not allowed inside a query`);
  if (node.type === 'SelectWithUnionQuery' && node.children.length !== 1)
    outputClauses(node, node.children.slice(1), state);
  if (node.type === 'Function') checkFunction(node, parent, ctx, state);
  else if (node.type === 'TableIdentifier') checkTable(node.payload, ctx, state);
  else if (node.type === 'Identifier') checkIdentifier(node.payload);
  for (const c of node.children) walk(c, node, ctx, state);
}

function checkFunction(node: AstNode, parent: AstNode, ctx: PolicyContext, state: State): void {
  const name = node.payload;
  if (isDeniedName(name))
    throw forbid(
      `${name}() reaches outside the database (files, network, processes or other databases) and is not allowed`,
    );
  if (parent.type === 'TableExpression') {
    if (!ALLOWED_TABLE_FUNCTIONS.has(name.toLowerCase()))
      throw forbid(
        `table function ${name}() is not allowed; allowed: ${[...ALLOWED_TABLE_FUNCTIONS].join(', ')}`,
      );
    return;
  }
  const names = resolveFunction(ctx.functions, name);
  if (!names)
    throw forbid(`${name}() is not a built-in function of the engine; only built-ins are allowed`);
  const denied = names.find((n) => isDeniedName(n));
  if (denied)
    throw forbid(
      `${name}() (an alias of ${denied}) reaches outside the database and is not allowed`,
    );
  const canonical = names[names.length - 1]!.toLowerCase();
  if (IN_FUNCTION.test(canonical)) {
    // `x IN db.table` reads that table: the right-hand side follows the table rules.
    const rhs = node.children[0]?.children[1];
    if (rhs?.type === 'Identifier') checkTable(rhs.payload, ctx, state);
  }
}

/** Table rules: the configured database (less its credential tables) and allowed metadata. */
function checkTable(written: string, ctx: PolicyContext, state: State): void {
  const parts = written.split('.');
  if (parts.length > 2 || !parts.every((p) => PLAIN_NAME.test(p)))
    throw forbid(`table name ${JSON.stringify(written)} is not a plain [database.]table name`);
  const [database, table] = parts.length === 2 ? parts : [ctx.currentDatabase, parts[0]!];
  const db = database!.toLowerCase();
  if (database === ctx.database) {
    const t = table!.toLowerCase();
    if (AUTH_TABLE_PREFIXES.some((p) => t.startsWith(p)))
      throw forbid(`${table} holds credentials and cannot be read through this API`);
    state.tables.push({ database: database!, table: table! });
    return;
  }
  if (db === 'system') {
    if (!ALLOWED_SYSTEM_TABLES.has(table!.toLowerCase()))
      throw forbid(
        `system.${table} is not readable; allowed system tables: ${[...ALLOWED_SYSTEM_TABLES].join(', ')}`,
      );
    return;
  }
  if (METADATA_DATABASES.has(db)) return;
  throw forbid(
    parts.length === 1
      ? `${table} resolves to database ${database}, which is not readable; write ${ctx.database}.${table}`
      : `database ${database} is not readable; query ${ctx.database} or system metadata`,
  );
}

/**
 * Identifiers that are not in a table position are columns, aliases or names a
 * function takes. A name that reads like a refused table is refused anyway: cheaper
 * than knowing every function that takes a table name, and it costs only odd aliases.
 */
function checkIdentifier(written: string): void {
  const parts = written.split('.').map((p) => p.toLowerCase());
  if (parts.some((p) => AUTH_TABLE_PREFIXES.some((a) => p.startsWith(a))))
    throw forbid(`${written} names a credential table and cannot be read through this API`);
  if (parts.length >= 2 && parts[0] === 'system' && !ALLOWED_SYSTEM_TABLES.has(parts[1]!))
    throw forbid(`system.${parts[1]} is not readable through this API`);
}
