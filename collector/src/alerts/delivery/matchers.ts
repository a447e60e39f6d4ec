import { z } from 'zod';

/** The four Alertmanager matcher operators. */
export type MatchOp = '=' | '!=' | '=~' | '!~';

/** One label matcher: `name op value`; regexes are anchored, as Alertmanager's. */
export interface Matcher {
  name: string;
  op: MatchOp;
  value: string;
}

const LABEL = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MATCHER_TEXT =
  /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*(?:"((?:[^"\\]|\\.)*)"|([^"\s]*))\s*$/;

/** Parses `severity="page"`, `team=~"ml-.*"`, `env!=prod`; undefined when malformed. */
export function parseMatcherText(text: string): Matcher | undefined {
  const m = MATCHER_TEXT.exec(text);
  if (!m) return undefined;
  const value = m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : (m[4] ?? '');
  return { name: m[1]!, op: m[2] as MatchOp, value };
}

/** Compiles a regex matcher anchored at both ends, or undefined when it is not a valid regex. */
function anchored(value: string): RegExp | undefined {
  try {
    return new RegExp(`^(?:${value})$`);
  } catch {
    return undefined;
  }
}

const objectMatcher = z
  .object({
    name: z.string().regex(LABEL, 'must be a label name ([A-Za-z_][A-Za-z0-9_]*)'),
    op: z.enum(['=', '!=', '=~', '!~']),
    value: z.string().max(1024),
  })
  .strict();

/**
 * A matcher as the API takes it: an object `{"name", "op", "value"}` or Alertmanager's text
 * form `name="value"`. Regexes are checked here, so a saved matcher always compiles.
 */
export const matcherSchema = z
  .union([z.string().max(1100), objectMatcher])
  .transform((raw, ctx): Matcher => {
    const m = typeof raw === 'string' ? parseMatcherText(raw) : raw;
    if (!m) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be like name="value", name!="v", name=~"re" or name!~"re"',
      });
      return z.NEVER;
    }
    if ((m.op === '=~' || m.op === '!~') && !anchored(m.value)) {
      ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${m.value}` });
      return z.NEVER;
    }
    return m;
  });

/** Whether one matcher accepts the labels (a missing label reads as ""). */
export function matchOne(m: Matcher, labels: Readonly<Record<string, string>>): boolean {
  const v = labels[m.name] ?? '';
  switch (m.op) {
    case '=':
      return v === m.value;
    case '!=':
      return v !== m.value;
    case '=~':
      return anchored(m.value)?.test(v) ?? false;
    case '!~':
      return !(anchored(m.value)?.test(v) ?? true);
  }
}

/** Whether every matcher accepts the labels (an empty list accepts everything). */
export function matchAll(
  ms: readonly Matcher[],
  labels: Readonly<Record<string, string>>,
): boolean {
  return ms.every((m) => matchOne(m, labels));
}

/** A matcher in Alertmanager's text form, e.g. `severity="page"`. */
export function formatMatcher(m: Matcher): string {
  return `${m.name}${m.op}${JSON.stringify(m.value)}`;
}
