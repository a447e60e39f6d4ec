import { describe, expect, test } from 'vitest';
// A test may import the collector's values: the form's copy of the rule schema is checked
// against the schema itself, so the two cannot drift apart unnoticed.
import { createRuleSchema } from '../collector/src/alerts/rule-schema.js';
import {
  decidesOwnBreach,
  SIGNAL_KINDS,
  signalSchema,
} from '../collector/src/alerts/signals/schema.js';
import {
  LE_BOUNDS_MS as API_LE_BOUNDS,
  KIND_FILTERS,
} from '../collector/src/alerts/signals/scope.js';
import {
  checkDraft,
  freshDraft,
  type RuleDraft,
} from '../dashboard/src/features/alerts/rule-draft.js';
import {
  BASE_KINDS,
  type BaseKind,
  FILTERS,
  KINDS,
  type KindSpec,
  LE_BOUNDS_MS,
  type ParamSpec,
  shownParams,
} from '../dashboard/src/features/alerts/rule-kinds.js';

const schema = createRuleSchema({
  signal: signalSchema,
  decidesOwnBreach: (s) => decidesOwnBreach(s.kind),
  minIntervalMs: 1000,
});

/** Texts tried, in order, for a parameter that may not be left empty. */
const FILLERS = ['x', '1', '0.5', '10', '1h'];

/** The draft of `kind` (an anomaly band over `of`) with its parameters set to `params`. */
function draftOf(kind: string, params: Record<string, string>, of: BaseKind = 'latency') {
  const d = freshDraft();
  const measured = kind === 'anomaly' ? of : kind;
  const draft: RuleDraft = {
    ...d,
    name: 'contract',
    kind,
    of,
    threshold: KINDS[kind]!.decides ? '' : '1',
    params: { ...d.params },
  };
  for (const [k, v] of Object.entries(params)) draft.params[`${kind}.${k}`] = v;
  // Required parameters of the measured kind not given get the first text they take.
  const spec = KINDS[measured]!;
  const values = () =>
    Object.fromEntries(spec.params.map((p) => [p.key, draft.params[`${measured}.${p.key}`]!]));
  for (const p of shownParams(spec, values())) {
    const key = `${measured}.${p.key}`;
    if (measured === kind && p.key in params) continue;
    const r = p.parse(draft.params[key] ?? '', values());
    if (r && 'problem' in r) {
      const fill = FILLERS.find((t) => {
        const f = p.parse(t, values());
        return f !== undefined && !('problem' in f);
      });
      if (fill !== undefined) draft.params[key] = fill;
    }
  }
  return draft;
}

/** The API's verdict on a body: undefined when it accepts it, else its first problem. */
function apiRefusal(body: unknown): string | undefined {
  const r = schema.safeParse(body);
  return r.success ? undefined : JSON.stringify(r.error.issues[0]);
}

/** Each select's options one at a time, the other parameters at their initial texts. */
function choices(spec: KindSpec): Array<Record<string, string>> {
  const out: Array<Record<string, string>> = [{}];
  for (const p of spec.params) for (const [value] of p.options ?? []) out.push({ [p.key]: value });
  return out;
}

describe('the rule form agrees with the rule API', () => {
  test('it offers every kind the API accepts (composite rules are shown read-only)', () => {
    expect(Object.keys(KINDS).sort()).toEqual(SIGNAL_KINDS.filter((k) => k !== 'composite').sort());
  });

  test('each kind offers exactly the filters the API honours for it', () => {
    for (const [kind, spec] of Object.entries(KINDS))
      expect([...spec.filters].sort(), kind).toEqual([...(KIND_FILTERS[kind] ?? [])].sort());
    const every = new Set(Object.values(KIND_FILTERS).flat());
    expect(FILTERS.map(([k]) => k).sort()).toEqual([...every].sort());
  });

  test('the SLO thresholds are the rollups’ bucket bounds', () => {
    expect([...LE_BOUNDS_MS]).toEqual([...API_LE_BOUNDS]);
  });

  test('every body the form builds from its choices is one the API accepts', () => {
    let checked = 0;
    for (const [kind, spec] of Object.entries(KINDS)) {
      const ofs: BaseKind[] =
        kind === 'anomaly' ? (Object.keys(BASE_KINDS) as BaseKind[]) : ['latency'];
      for (const of of ofs)
        for (const params of choices(spec)) {
          const { body, problems } = checkDraft(draftOf(kind, params, of));
          const what = `${kind}${kind === 'anomaly' ? ` of ${of}` : ''} ${JSON.stringify(params)}`;
          expect(problems, what).toEqual({});
          expect(apiRefusal(body), what).toBeUndefined();
          checked++;
        }
    }
    expect(checked).toBeGreaterThan(60);
  });

  test('every filter a kind offers is one the API takes on it', () => {
    for (const [kind, spec] of Object.entries(KINDS)) {
      if (kind === 'anomaly') continue;
      for (const key of spec.filters) {
        const d = draftOf(kind, kind === 'absence' ? { metric: 'm' } : {});
        d.filters = { [key]: key === 'attributes' ? 'user.tier=gold' : 'x' };
        const { body, problems } = checkDraft(d);
        expect(problems, `${kind} by ${key}`).toEqual({});
        expect(apiRefusal(body), `${kind} by ${key}`).toBeUndefined();
      }
    }
  });

  // Numbers on and around the bounds the form states (0–1, above 0, 3–14, whole numbers).
  const PROBES = [-1, 0, 1e-9, 0.5, 0.999, 1, 1.5, 2, 3, 7.5, 8, 9, 14, 15, 100, 1e6];

  test('a number parameter is refused by the form exactly where the API refuses it', () => {
    let probed = 0;
    for (const [kind, spec] of Object.entries(KINDS))
      for (const p of spec.params as readonly ParamSpec[]) {
        if (p.options) continue;
        const base = checkDraft(draftOf(kind, {}));
        const signal = base.body?.signal as Record<string, unknown> | undefined;
        const numeric = PROBES.some((v) => {
          const r = p.parse(String(v), {});
          return r !== undefined && 'value' in r && typeof r.value === 'number';
        });
        if (!numeric || !signal) continue;
        for (const v of PROBES) {
          const formOk =
            Object.keys(checkDraft(draftOf(kind, { [p.key]: String(v) })).problems).length === 0;
          const apiOk =
            apiRefusal({ ...base.body, signal: { ...signal, [p.key]: v } }) === undefined;
          expect(formOk, `${kind}.${p.key} = ${v}: form ${formOk}, API ${apiOk}`).toBe(apiOk);
          probed++;
        }
      }
    expect(probed).toBeGreaterThanOrEqual(PROBES.length * 4);
  });
});
