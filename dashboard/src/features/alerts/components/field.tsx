import type { ReactNode } from 'react';
import type { DraftField } from '../rule-draft.js';

/** The element id of a form field's control (`param:latency.quantile` → `rule-param-latency-quantile`). */
export function fieldId(f: DraftField): string {
  return `rule-${f.replace(/[^A-Za-z0-9]+/g, '-')}`;
}

/** What a field's control needs to be tied to its problem. */
export function problemProps(f: DraftField, problem: string | undefined) {
  return {
    id: fieldId(f),
    'aria-invalid': problem ? true : undefined,
    'aria-describedby': problem ? `${fieldId(f)}-problem` : undefined,
  };
}

// The look of `.filters label` (12 px, muted) for the label, the control and the problem.
const COLUMN = {
  display: 'flex',
  flexDirection: 'column',
  gap: 2,
  maxWidth: 320,
  fontSize: 12,
} as const;

/**
 * A labelled control with its problem under it (read by screen readers with the control,
 * through `aria-describedby`). The label names the control alone: a select's options are
 * not part of its name.
 */
export function Field({
  f,
  label,
  problem,
  children,
}: {
  f: DraftField;
  label: ReactNode;
  problem: string | undefined;
  children: ReactNode;
}) {
  return (
    <div style={COLUMN}>
      <label htmlFor={fieldId(f)}>{label}</label>
      {children}
      {problem && (
        <span id={`${fieldId(f)}-problem`} className="error small" style={{ flexBasis: 'auto' }}>
          {problem}
        </span>
      )}
    </div>
  );
}

/** The draft a form edits, and its problems as shown now. */
export interface DraftForm<D> {
  d: D;
  /** Changes fields of the draft; `f` is the field the person touched. */
  set: (patch: Partial<D>, f: DraftField) => void;
  /** Marks a field visited, so its problem shows. */
  touch: (f: DraftField) => void;
  /** The problem to show next to `f`, if any. */
  problem: (f: DraftField) => string | undefined;
}
