import { Fragment, type ReactNode } from 'react';

/**
 * One headline figure with its label; `testId` lets browser tests read the value. `value` may
 * be {@link StatParts} for a few related figures in one card (p50 / p95 / p99).
 */
export function Stat({
  label,
  value,
  hint,
  testId,
}: {
  label: string;
  value: ReactNode;
  hint?: string;
  testId?: string;
}) {
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className="stat-value" data-testid={testId}>
        {value}
      </div>
      {hint && <div className="stat-hint">{hint}</div>}
    </div>
  );
}

/** A few small labelled figures side by side, as the value of one {@link Stat}. */
export function StatParts({ parts }: { parts: Array<[label: string, value: string]> }) {
  return (
    <span className="stat-parts">
      {parts.map(([label, value]) => (
        <Fragment key={label}>
          <small>{label}</small>
          <span>{value}</span>
        </Fragment>
      ))}
    </span>
  );
}
