import { TupleParam } from '@clickhouse/client';
import type { Params } from '../storage/db.js';

/**
 * `param_<name>` values of the ClickHouse HTTP interface, turned into values the engine's
 * client binds. The interface sends each value as the text the server parses by the
 * placeholder's type, strings in the TSV-escaped form (`it\'s`, `a\tb`). Our client escapes
 * a JS string again, so a string-typed value is unescaped first (the round trip restores
 * the text that was sent); an array, tuple or map literal becomes the JS value the client
 * writes back as the same literal (a server rejects it as one escaped string, the embedded
 * engine would double its backslashes); other types pass as their text.
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

/** A composite literal (`['a', 'b\\'c']`, `(1, 'x')`, `{'k': 1}`) as a JS value; undefined if it is not one. */
export function parseLiteral(text: string): unknown {
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const fail = (): never => {
    throw new SyntaxError(`not a literal at ${i}`);
  };
  const list = (close: string): unknown[] => {
    const out: unknown[] = [];
    ws();
    if (text[i] === close) {
      i++;
      return out;
    }
    for (;;) {
      out.push(value());
      ws();
      if (text[i] === ',') i++;
      else if (text[i] === close) {
        i++;
        return out;
      } else fail();
    }
  };
  const value = (): unknown => {
    ws();
    const ch = text[i];
    if (ch === "'") {
      let out = '';
      for (i++; i < text.length; i++) {
        const c = text[i]!;
        if (c === '\\') {
          out += unescapeTsv(text.slice(i, i + 2));
          i++;
        } else if (c === "'" && text[i + 1] === "'") {
          out += "'";
          i++;
        } else if (c === "'") {
          i++;
          return out;
        } else out += c;
      }
      return fail();
    }
    if (ch === '[') {
      i++;
      return list(']');
    }
    if (ch === '(') {
      i++;
      return new TupleParam(list(')'));
    }
    if (ch === '{') {
      i++;
      const map = new Map<unknown, unknown>();
      ws();
      if (text[i] === '}') {
        i++;
        return map;
      }
      for (;;) {
        const k = value();
        ws();
        if (text[i++] !== ':') fail();
        map.set(k, value());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return map;
        } else fail();
      }
    }
    const m = /^[^\s,\])}:]+/.exec(text.slice(i));
    if (!m) return fail();
    i += m[0].length;
    return bareValue(m[0]);
  };
  try {
    const v = value();
    ws();
    return i === text.length ? v : undefined;
  } catch {
    return undefined;
  }
}

/** An unquoted element: NULL, a boolean, or a number (integers past 2^53 as BigInt). */
function bareValue(token: string): unknown {
  const t = token.toLowerCase();
  if (t === 'null' || token === '\\N') return null;
  if (t === 'true' || t === 'false') return t === 'true';
  if (/^[-+]?\d+$/.test(token)) {
    const n = Number(token);
    return Number.isSafeInteger(n) ? n : BigInt(token);
  }
  const n = Number(t === 'inf' || t === '+inf' ? 'Infinity' : t === '-inf' ? '-Infinity' : token);
  if (Number.isNaN(n) && t !== 'nan') throw new SyntaxError(`not a literal: ${token}`);
  return n;
}

const COMPOSITE_TYPE = /^(Array|Tuple|Map)\(/;

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
    else if (STRING_TYPE.test(inner)) out[name] = unescapeTsv(text);
    else if (COMPOSITE_TYPE.test(inner)) out[name] = parseLiteral(text) ?? text;
    else out[name] = text;
  }
  return out;
}
