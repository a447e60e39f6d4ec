import { useState } from 'react';

/**
 * A destructive action asked twice, in place: the first click turns the button into
 * "`question` Yes / No", so nothing is deleted by a stray click and no browser dialog
 * interrupts the page.
 */
export function ConfirmButton({
  label,
  question,
  busy,
  disabled,
  name,
  title,
  onConfirm,
}: {
  label: string;
  question: string;
  busy?: boolean;
  disabled?: boolean;
  /** The first button's accessible name where the label alone is ambiguous in a table row. */
  name?: string;
  /** Why the button is disabled, shown on hover. */
  title?: string;
  onConfirm: () => void;
}) {
  const [asking, setAsking] = useState(false);
  if (!asking)
    return (
      <button
        type="button"
        disabled={disabled || busy}
        aria-label={name}
        title={title}
        onClick={() => setAsking(true)}
      >
        {busy ? `${label}…` : label}
      </button>
    );
  return (
    <span className="actions">
      <span className="small">{question}</span>
      <button
        type="button"
        // biome-ignore lint/a11y/noAutofocus: the question was just asked; the answer is next
        autoFocus
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        Yes, {label.toLowerCase()}
      </button>
      <button type="button" onClick={() => setAsking(false)}>
        No
      </button>
    </span>
  );
}
