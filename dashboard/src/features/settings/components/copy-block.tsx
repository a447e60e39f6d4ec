import { useState } from 'react';

/** A snippet with a copy button (for the Connect section). */
export function CopyBlock({ title, text }: { title: string; text: string }) {
  const [copied, setCopied] = useState<boolean>();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <figure className="snippet">
      <figcaption>
        <span>{title}</span>
        <button type="button" onClick={copy} aria-label={`Copy: ${title}`}>
          Copy
        </button>
        <span role="status" className="muted small">
          {copied === true ? 'Copied.' : copied === false ? 'Select the text to copy it.' : ''}
        </span>
      </figcaption>
      <pre>
        <code>{text}</code>
      </pre>
    </figure>
  );
}
