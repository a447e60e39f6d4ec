/**
 * A small mustache-like template language for custom webhook bodies. It reads values and
 * loops over lists; it never runs code, so a channel's template cannot do anything but
 * shape text.
 *
 * - `{{ path.to.value }}`: the value, escaped for the inside of a JSON string (objects and
 *   lists as their JSON text, escaped the same way).
 * - `{{{ path }}}`: the value raw: strings as they are, everything else as JSON (`null`
 *   included); nothing for a missing value.
 * - `{{# path }}…{{/ path }}`: repeated for each item of a list (the item becomes the
 *   context, `{{ . }}` is the item itself), once for a true value or an object, never
 *   for a missing, false, empty or zero value. `{{^ path }}…{{/ path }}` is the inverse.
 * - `{{@last}}` is true on the last item of a list (for commas: `{{^@last}},{{/@last}}`).
 *
 * Names resolve in the innermost context first, then outwards, as in mustache.
 */

type Node =
  | { t: 'text'; text: string }
  | { t: 'var'; path: string; raw: boolean }
  | { t: 'section'; path: string; inverted: boolean; body: Node[] };

/** Largest template accepted, and largest body produced. */
export const MAX_TEMPLATE_CHARS = 16_384;
export const MAX_OUTPUT_CHARS = 262_144;
const MAX_DEPTH = 8;

/** A template that does not parse; the message says where. */
export class TemplateError extends Error {}

const TAG = /\{\{\{\s*([^{}]+?)\s*\}\}\}|\{\{\s*([#^/]?)\s*([^{}]+?)\s*\}\}/g;
const PATH = /^(\.|@last|[A-Za-z_$][\w$-]*(\.[A-Za-z_$0-9][\w$-]*)*)$/;

/** Parses a template; throws {@link TemplateError} on unbalanced sections or bad names. */
export function parseTemplate(source: string): Node[] {
  if (source.length > MAX_TEMPLATE_CHARS)
    throw new TemplateError(`template is longer than ${MAX_TEMPLATE_CHARS} characters`);
  const root: Node[] = [];
  const stack: { path: string; body: Node[] }[] = [{ path: '', body: root }];
  let last = 0;
  for (const m of source.matchAll(TAG)) {
    const top = stack.at(-1)!;
    if (m.index > last) top.body.push({ t: 'text', text: source.slice(last, m.index) });
    last = m.index + m[0].length;
    const path = (m[1] ?? m[3])!.trim();
    if (!PATH.test(path)) throw new TemplateError(`bad name "${path}" at offset ${m.index}`);
    if (m[1] !== undefined) {
      top.body.push({ t: 'var', path, raw: true });
      continue;
    }
    const sigil = m[2];
    if (sigil === '#' || sigil === '^') {
      if (stack.length > MAX_DEPTH)
        throw new TemplateError(`sections nest deeper than ${MAX_DEPTH}`);
      const node: Node = { t: 'section', path, inverted: sigil === '^', body: [] };
      top.body.push(node);
      stack.push({ path, body: node.body });
    } else if (sigil === '/') {
      if (stack.length === 1 || top.path !== path)
        throw new TemplateError(`{{/${path}}} at offset ${m.index} closes no open {{#${path}}}`);
      stack.pop();
    } else top.body.push({ t: 'var', path, raw: false });
  }
  if (stack.length > 1) throw new TemplateError(`{{#${stack.at(-1)!.path}}} is never closed`);
  if (last < source.length) root.push({ t: 'text', text: source.slice(last) });
  return root;
}

function lookup(stack: readonly unknown[], path: string): unknown {
  if (path === '.') return stack.at(-1);
  const [head, ...rest] = path.split('.');
  for (let i = stack.length - 1; i >= 0; i--) {
    const ctx = stack[i];
    if (ctx !== null && typeof ctx === 'object' && Object.hasOwn(ctx, head!)) {
      let v: unknown = (ctx as Record<string, unknown>)[head!];
      for (const k of rest) {
        if (v === null || typeof v !== 'object' || !Object.hasOwn(v, k)) return undefined;
        v = (v as Record<string, unknown>)[k];
      }
      return v;
    }
  }
  return undefined;
}

function text(v: unknown): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function truthy(v: unknown): boolean {
  return !(
    v === undefined ||
    v === null ||
    v === false ||
    v === '' ||
    v === 0 ||
    (Array.isArray(v) && v.length === 0)
  );
}

/**
 * Renders a parsed template over `data`. Throws {@link TemplateError} when the output would
 * exceed {@link MAX_OUTPUT_CHARS} (a loop over many alerts must not build an unbounded body).
 */
export function renderTemplate(nodes: readonly Node[], data: unknown): string {
  const out: string[] = [];
  let size = 0;
  const emit = (s: string) => {
    size += s.length;
    if (size > MAX_OUTPUT_CHARS)
      throw new TemplateError(`rendered body exceeds ${MAX_OUTPUT_CHARS} characters`);
    out.push(s);
  };
  const walk = (ns: readonly Node[], stack: unknown[]) => {
    for (const n of ns) {
      if (n.t === 'text') emit(n.text);
      else if (n.t === 'var') {
        const value = lookup(stack, n.path);
        // Raw: a JSON value in place (null stays null: `"value": {{{value}}}` is valid JSON).
        if (n.raw) emit(value === null ? 'null' : text(value));
        else emit(JSON.stringify(text(value)).slice(1, -1));
      } else {
        const v = lookup(stack, n.path);
        if (n.inverted) {
          if (!truthy(v)) walk(n.body, stack);
        } else if (Array.isArray(v))
          v.forEach((item, i) => {
            walk(n.body, [...stack, { '@last': i === v.length - 1 }, item]);
          });
        else if (truthy(v)) walk(n.body, typeof v === 'object' ? [...stack, v] : stack);
      }
    }
  };
  walk(nodes, [data]);
  return out.join('');
}
