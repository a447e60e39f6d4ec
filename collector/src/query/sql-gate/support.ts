import { BadRequestError } from '../../errors.js';
import type { Params } from '../../storage/db.js';
import type { AstNode } from './ast.js';

/** Pure helpers of the SQL gate: parameter checks, result reading, SQL literals. */

/** A result that passed the byte limit while being read. */
export class ResultTooLarge extends Error {}

/** The tree less its `Set` nodes (the SETTINGS clause the gate itself appended). */
export function withoutSets(node: AstNode): AstNode {
  return { ...node, children: node.children.filter((c) => c.type !== 'Set').map(withoutSets) };
}

/**
 * Parameter values the client can bind: numbers it would have to round (integers past
 * ±2^53, infinities) are refused here, as the caller's mistake, not the engine's.
 */
export function checkParams(params: Params): void {
  const visit = (v: unknown, path: string): void => {
    if (
      typeof v === 'number' &&
      (!Number.isFinite(v) || (Number.isInteger(v) && !Number.isSafeInteger(v)))
    )
      throw new BadRequestError(
        `${path} is not exactly representable; send integers beyond ±2^53 as strings`,
        path,
      );
    if (Array.isArray(v)) {
      for (const [i, x] of v.entries()) visit(x, `${path}[${i}]`);
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) visit(x, `${path}.${k}`);
    }
  };
  for (const [k, v] of Object.entries(params)) visit(v, `params.${k}`);
}

/** Reads a result stream as text, refusing one larger than `max` bytes. */
export async function readAll(stream: AsyncIterable<unknown>, max: number): Promise<string> {
  return (await readAllBytes(stream, max)).toString('utf8');
}

/**
 * Reads a result stream as bytes, refusing one larger than `max` bytes. Binary formats
 * (Native, RowBinary) must never pass through a UTF-8 string: it would replace their bytes.
 */
export async function readAllBytes(stream: AsyncIterable<unknown>, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += b.length;
    if (size > max) throw new ResultTooLarge(`result larger than ${max} bytes`);
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/** The engine's message without the tail naming the gate's own formatQuery call. */
export function engineMessage(message: string): string {
  return message.replace(/\s*: In scope SELECT formatQuery[\s\S]*$/, '').trim();
}

/** A ClickHouse string literal (backslash escapes, as the engine reads them). */
export function quoteString(s: string): string {
  return `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

/** A back-quoted ClickHouse identifier. */
export function quoteIdent(s: string): string {
  return `\`${s.replaceAll('\\', '\\\\').replaceAll('`', '\\`')}\``;
}

/** Tables whose rows with an empty project are shared by every project. */
const SHARED_ROWS_TABLES: ReadonlySet<string> = new Set(['aiobs_prices']);

/**
 * The `additional_table_filters` setting (with its trailing comma) that limits every
 * listed table to one project, e.g. `{'default.otel_traces': '`ProjectId` = \'p1\''}`:
 * the engine adds the condition to every read of those tables, wherever the query names
 * them (for the price list, the project's rows and the instance's shared ones). Empty when
 * no table has a project column.
 */
export function projectFilterSetting(
  database: string,
  columns: readonly { table: string; name: string }[],
  projectId: string,
): string {
  if (columns.length === 0) return '';
  const map = columns
    .map((c) => {
      // The instance's price list (project_id '') prices every project that has none of its
      // own (models/prices-repo.ts): shared defaults, not another tenant's data.
      const condition = SHARED_ROWS_TABLES.has(c.table)
        ? `${quoteIdent(c.name)} IN ('', ${quoteString(projectId)})`
        : `${quoteIdent(c.name)} = ${quoteString(projectId)}`;
      return `${quoteString(`${database}.${c.table}`)}: ${quoteString(condition)}`;
    })
    .join(', ');
  return `additional_table_filters = {${map}}, `;
}
