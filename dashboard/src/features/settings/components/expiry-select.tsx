import { EXPIRY_CHOICES, type ExpiryChoice } from '../prepare.js';

/** When a new key or token stops working: one of {@link EXPIRY_CHOICES}. */
export function ExpirySelect({
  value,
  onChange,
}: {
  value: ExpiryChoice;
  onChange: (choice: ExpiryChoice) => void;
}) {
  return (
    <label>
      Expires
      <select value={value} onChange={(e) => onChange(e.target.value as ExpiryChoice)}>
        {EXPIRY_CHOICES.map((c) => (
          <option key={c.id} value={c.id}>
            {c.label}
          </option>
        ))}
      </select>
    </label>
  );
}
