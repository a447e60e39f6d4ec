import { type ReactNode, useRef, useState } from 'react';

/** Props of {@link SecretBox}. */
export interface SecretBoxProps {
  /** What the secret is, e.g. "New ingest key “ci”". */
  label: string;
  secret: string;
  /** Hides the box: after this the secret is gone from the page for good. */
  onDone: () => void;
  /** Why, and what to do with it, after the warning (default: aiobs keeps only a hash). */
  children?: ReactNode;
}

/**
 * A secret shown once, right after it was created (a key, a token, a generated password, a
 * channel's signing secret): a read-only field to copy from, a copy button and the warning
 * that it will not be shown again (the collector keeps only a hash, or hands it out only in
 * the create answer). Where the clipboard API is refused, the text is selected for Ctrl+C.
 */
export function SecretBox({ label, secret, onDone, children }: SecretBoxProps) {
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'yes' | 'no'>();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied('yes');
    } catch {
      input.current?.select();
      setCopied('no');
    }
  };
  return (
    <section className="secret" aria-label={label} data-testid="secret-box">
      <p className="secret-warning">
        <strong>Copy it now.</strong> This is the only time it is shown:{' '}
        {children ?? 'aiobs stores only a hash of it.'}
      </p>
      <label className="secret-field">
        {label}
        <input
          ref={input}
          readOnly
          value={secret}
          spellCheck={false}
          onFocus={(e) => e.target.select()}
          data-testid="secret-value"
        />
      </label>
      <div className="toolbar">
        <button type="button" onClick={copy}>
          Copy
        </button>
        <button type="button" onClick={onDone}>
          Done, I have stored it
        </button>
        <span role="status" className="muted small">
          {copied === 'yes' ? 'Copied to the clipboard.' : ''}
          {copied === 'no'
            ? 'The browser refused the clipboard: it is selected, press Ctrl+C.'
            : ''}
        </span>
      </div>
    </section>
  );
}
