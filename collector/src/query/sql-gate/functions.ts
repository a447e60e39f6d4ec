import { DENIED_FUNCTIONS, DENIED_PREFIXES } from './lists.js';

/** One row of `system.functions` as the gate needs it. */
export interface FunctionRow {
  name: string;
  alias_to: string;
  case_insensitive: number | boolean;
  is_aggregate: number | boolean;
  origin: string;
}

/** The engine's built-in functions, read once from `system.functions`. */
export interface FunctionCatalog {
  readonly byName: ReadonlyMap<string, FunctionRow>;
  /** Lower-cased name → row, for the functions the engine matches case-insensitively. */
  readonly byLowerName: ReadonlyMap<string, FunctionRow>;
  /** Aggregate combinator suffixes (`If`, `Array`, `State`, ...), longest first. */
  readonly combinators: readonly string[];
}

/** Builds the catalogue from `system.functions` and `system.aggregate_function_combinators`. */
export function createFunctionCatalog(
  rows: readonly FunctionRow[],
  combinators: readonly string[],
): FunctionCatalog {
  const byName = new Map<string, FunctionRow>();
  const byLowerName = new Map<string, FunctionRow>();
  for (const r of rows) {
    byName.set(r.name, r);
    if (Number(r.case_insensitive)) byLowerName.set(r.name.toLowerCase(), r);
  }
  return {
    byName,
    byLowerName,
    combinators: [...combinators].sort((a, b) => b.length - a.length),
  };
}

/** Whether a lower-cased function name is on the deny-list (exact or by family prefix). */
export function isDeniedName(name: string): boolean {
  const n = name.toLowerCase();
  return DENIED_FUNCTIONS.has(n) || DENIED_PREFIXES.some((p) => n.startsWith(p));
}

/** Syntax the parser prints as a function but `system.functions` does not list. */
const SYNTAX_FUNCTIONS = new Set(['lambda', 'exists', 'grouping', 'untuple']);

/**
 * Resolves a written function name the way the engine does: exact name, then a
 * case-insensitive one, then aggregate combinators (`sumIfOrNull` → `sum`), then
 * `alias_to`. Returns every name met on the way (each is checked against the
 * deny-list), or undefined for a name the engine does not know as a built-in
 * (user-defined functions are refused: their bodies are not in the parsed query).
 */
export function resolveFunction(catalog: FunctionCatalog, written: string): string[] | undefined {
  if (SYNTAX_FUNCTIONS.has(written)) return [written];
  const seen: string[] = [];
  let name = written;
  for (let hops = 0; hops < 8; hops++) {
    seen.push(name);
    const row = lookup(catalog, name);
    if (row?.origin !== 'System') return undefined;
    seen.push(row.name);
    if (!row.alias_to) return seen;
    name = row.alias_to;
  }
  return undefined;
}

function lookup(catalog: FunctionCatalog, name: string, depth = 0): FunctionRow | undefined {
  const row = catalog.byName.get(name) ?? catalog.byLowerName.get(name.toLowerCase());
  if (row || depth > 4) return row;
  for (const c of catalog.combinators) {
    if (name.length <= c.length || !name.endsWith(c)) continue;
    const base = lookup(catalog, name.slice(0, -c.length), depth + 1);
    if (base && Number(base.is_aggregate)) return base;
  }
  return undefined;
}
