import type { Params } from '../storage/db.js';

/**
 * `param_<name>` values of the ClickHouse HTTP interface, turned into values the engine's
 * client binds. The interface sends each value as the text the server parses by the
 * placeholder's type, strings in the TSV-escaped form (`it\'s`, `a\tb`). Our client escapes
 * a JS string again, so a string-typed value is unescaped first (the round trip restores
 * the text that was sent); other types pass as their text.
 */

const PLACEHOLDER = /\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([^{}]+?)\s*\}/g;

/** Placeholder names to their declared types, from `{name:Type}` in `sql`. */
export function placeholderTypes(sql: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of sql.matchAll(PLACEHOLDER)) out.set(m[1]!, m[2]!);
  return out;
}

/** `type` without `Nullable(…)`/`LowCardinality(…)` wrappers. */
function innerType(type: string): { inner: string; nullable: boolean } {
  let t = type.trim();
  let nullable = false;
  for (;;) {
    const m = /^(Nullable|LowCardinality)\((.*)\)$/s.exec(t);
    if (!m) return { inner: t, nullable };
    if (m[1] === 'Nullable') nullable = true;
    t = m[2]!.trim();
  }
}

const STRING_TYPE = /^(String|FixedString\(\s*\d+\s*\)|Enum(8|16)?\(.*\))$/s;

const ESCAPES: Record<string, string> = {
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  '0': '\0',
  a: '\x07',
  v: '\v',
};

/** The TSV-escaped text as the value it stands for (`\t` a tab, `\'` a quote, `\\` a backslash). */
export function unescapeTsv(text: string): string {
  return text.replace(/\\(.)/gs, (_, ch: string) => ESCAPES[ch] ?? ch);
}

/**
 * The bind values of `raw` (name to the text sent) for `sql`. `\N` is NULL for a Nullable
 * placeholder, as the interface reads it.
 */
export function bindParams(sql: string, raw: Readonly<Record<string, string>>): Params {
  const types = placeholderTypes(sql);
  const out: Params = {};
  for (const [name, text] of Object.entries(raw)) {
    const type = types.get(name);
    if (type === undefined) {
      out[name] = text;
      continue;
    }
    const { inner, nullable } = innerType(type);
    if (nullable && text === '\\N') out[name] = null;
    else out[name] = STRING_TYPE.test(inner) ? unescapeTsv(text) : text;
  }
  return out;
}
