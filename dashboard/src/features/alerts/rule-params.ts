/**
 * A signal kind's parameters as the rule form checks them: each parser reads the text typed
 * with the bounds of the collector's signal schema (`alerts/signals/schema.ts`). Pure.
 */

/** A parameter's text read for the API: its value, a problem, or nothing (left to the API's default). */
export type Parsed = { value: unknown } | { problem: string } | undefined;

/** One parameter of a kind, as the form shows and checks it. */
export interface ParamSpec {
  /** The API's field (nested ones are folded by the kind's `build`). */
  key: string;
  label: string;
  /** Choices, `[value, label]`: a select; free text otherwise. */
  options?: ReadonlyArray<readonly [string, string]>;
  /** The text a fresh draft starts with. */
  initial: string;
  /** Shown (greyed) in an empty field: what leaving it empty means. */
  placeholder?: string;
  /** The text as the API takes it; `values` are the kind's other parameters, as typed. */
  parse: (text: string, values: Record<string, string>) => Parsed;
  /** Shown and sent only when this holds. */
  when?: (values: Record<string, string>) => boolean;
}

const num = (text: string) => (text.trim() === '' ? Number.NaN : Number(text));

/** A number in `[min, max]` (`open` ends excluded); empty is a problem unless `optional`. */
export function numberIn(
  min: number,
  max: number,
  opts: { open?: 'min' | 'both'; optional?: boolean; int?: boolean } = {},
): ParamSpec['parse'] {
  return (text) => {
    if (text.trim() === '') return opts.optional ? undefined : { problem: 'required' };
    const v = num(text);
    const lowOk = opts.open ? v > min : v >= min;
    const highOk = opts.open === 'both' ? v < max : v <= max;
    if (!Number.isFinite(v) || !lowOk || !highOk || (opts.int && !Number.isInteger(v)))
      return {
        problem: `must be ${opts.int ? 'a whole number' : 'a number'} ${
          max === Number.POSITIVE_INFINITY
            ? `${opts.open ? 'above' : 'at least'} ${min}`
            : `${opts.open ? 'strictly ' : ''}between ${min} and ${max}`
        }`,
      };
    return { value: v };
  };
}

/** A name (model, metric, attribute key): 1–256 characters; empty is left out unless required. */
export function text(required: boolean): ParamSpec['parse'] {
  return (t) => {
    const v = t.trim();
    if (!v) return required ? { problem: 'required' } : undefined;
    return v.length > 256 ? { problem: 'at most 256 characters' } : { value: v };
  };
}

export const choice: ParamSpec['parse'] = (t) => (t ? { value: t } : undefined);
export const asNumber: ParamSpec['parse'] = (t) => ({ value: Number(t) });

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
export const DAY = 86_400_000;

/** A signal's own duration (one part: `"30d"`, `"6h"`), from `min` to `max` ms. */
export function signalDuration(min: number, max: number, bounds: string, optional: boolean) {
  return ((t) => {
    const v = t.trim();
    if (!v) return optional ? undefined : { problem: 'required' };
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/.exec(v);
    if (!m) return { problem: 'must be a duration like "6h", "7d" or "30d" (one unit)' };
    const ms = Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
    return ms >= min && ms <= max ? { value: v } : { problem: `must be from ${bounds}` };
  }) satisfies ParamSpec['parse'];
}
