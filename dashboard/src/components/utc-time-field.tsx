/**
 * A labelled time typed as UTC text, `YYYY-MM-DD HH:MM`, as the tables beside it show times.
 * A `datetime-local` input shows its value in the browser's locale format instead
 * (`12/02/2026, 08:00 AM` in en-US), which reads as local time under a "(UTC)" label.
 */
export function UtcTimeField({
  label,
  value,
  onChange,
}: {
  /** Its label, saying UTC, e.g. "Starts (UTC)". */
  label: string;
  value: string;
  onChange: (e: { target: { value: string } }) => void;
}) {
  return (
    <label>
      {label}
      <input
        value={value}
        onChange={onChange}
        placeholder="YYYY-MM-DD HH:MM"
        size={17}
        spellCheck={false}
        autoComplete="off"
      />
    </label>
  );
}
