import { type FormEvent, useState } from 'react';
import type { DraftProblem } from './prepare.js';

/**
 * A create form's draft, as typed: `field(k)` wires an input to it, `submit(check, send)`
 * checks the draft with a pure `check` (which names the field at fault) and hands the body
 * to `send`, or keeps the problem for {@link Problem}; typing clears it. `reset` starts over.
 *
 * @example
 * const f = useDraft(fresh);
 * <form onSubmit={f.submit((d) => silenceBody(d, Date.now()), (b) => create.mutate(b))}>
 */
export function useDraft<D extends object>(fresh: () => D) {
  const [d, setD] = useState<D>(fresh);
  const [problem, setProblem] = useState<string>();
  return {
    draft: d,
    problem,
    field: <K extends keyof D>(k: K) => ({
      value: d[k],
      onChange: (e: { target: { value: string } }) => {
        setProblem(undefined);
        setD({ ...d, [k]: e.target.value as D[K] });
      },
    }),
    submit:
      <B,>(check: (d: D) => { body: B } | DraftProblem, send: (body: B) => void) =>
      (e: FormEvent) => {
        e.preventDefault();
        const b = check(d);
        if ('field' in b) return setProblem(`${b.field}: ${b.message}`);
        send(b.body);
      },
    reset: () => setD(fresh()),
  };
}

/** What is wrong with a draft, under its form. */
export function Problem({ text }: { text: string | undefined }) {
  if (!text) return null;
  return (
    <p className="error" role="alert">
      {text}
    </p>
  );
}
