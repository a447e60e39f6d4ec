import { useRef, useState } from 'react';

/**
 * A new channel's signing secret, shown once: the API returns it only in the create answer,
 * so the receiver's copy must be taken now. Where the clipboard is refused, the text is
 * selected for Ctrl+C instead.
 */
export function ChannelSecret({
  name,
  secret,
  onDone,
}: {
  name: string;
  secret: string;
  onDone: () => void;
}) {
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<boolean>();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
    } catch {
      input.current?.select();
      setCopied(false);
    }
  };
  return (
    <section
      className="verdict verdict-hold"
      aria-label={`Signing secret of “${name}”`}
      data-testid="channel-secret"
    >
      <p>
        <strong>Copy the signing secret now.</strong> It is shown only this once: give it to the
        receiver of “{name}” so that it can verify the <code>webhook-signature</code> of each
        request (Standard Webhooks).
      </p>
      <div className="toolbar">
        <label className="inline">
          Signing secret
          <input
            ref={input}
            readOnly
            value={secret}
            size={48}
            spellCheck={false}
            onFocus={(e) => e.target.select()}
            data-testid="channel-secret-value"
          />
        </label>
        <button type="button" onClick={copy}>
          Copy secret
        </button>
        <button type="button" onClick={onDone}>
          Done, I have stored it
        </button>
        <span role="status" className="muted small">
          {copied === true ? 'Copied to the clipboard.' : ''}
          {copied === false
            ? 'The browser refused the clipboard: it is selected, press Ctrl+C.'
            : ''}
        </span>
      </div>
    </section>
  );
}
