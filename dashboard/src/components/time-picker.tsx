import { useNavigate } from '@tanstack/react-router';
import { type FormEvent, useId, useRef, useState } from 'react';
import { REFRESH_OPTIONS, type Refresh } from '../lib/search.js';
import { describeRange, isRelative, PRESETS, rangeTitle, resolveTime } from '../lib/time-range.js';
import { useRangeSearch } from '../lib/use-range.js';

/** The global time picker (presets and absolute bounds) and the auto-refresh control. */
export function TimePicker() {
  const search = useRangeSearch();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const [from, setFrom] = useState(search.from);
  const [to, setTo] = useState(search.to);
  const [error, setError] = useState<string>();
  const id = useId();
  const toggle = useRef<HTMLButtonElement>(null);
  // Closing unmounts the focused control: focus goes back to the button, not to the page's top.
  const close = () => {
    setOpen(false);
    toggle.current?.focus();
  };
  const set = (patch: Partial<typeof search>) =>
    navigate({ to: '.', search: (prev: Record<string, unknown>) => ({ ...prev, ...patch }) });
  const apply = (e: FormEvent) => {
    e.preventDefault();
    const now = Date.now();
    const f = resolveTime(from, now);
    const t = resolveTime(to, now);
    if (f === undefined || t === undefined)
      return setError('Use now, now-15m, now-2h, now-7d or an ISO date.');
    if (f >= t) return setError('“From” must be before “to”.');
    setError(undefined);
    close();
    set({ from: from.trim(), to: to.trim() });
  };
  return (
    <div className="time-picker">
      <button
        ref={toggle}
        type="button"
        aria-expanded={open}
        aria-controls={`${id}-panel`}
        onClick={() => {
          setFrom(search.from);
          setTo(search.to);
          setOpen(!open);
        }}
        data-testid="time-picker"
        // In UTC like the chart axes and tables, rounded; the exact bounds are one hover away.
        title={
          isRelative(search.from) && isRelative(search.to)
            ? undefined
            : rangeTitle(search.from, search.to)
        }
      >
        {describeRange(search.from, search.to, { timeZone: 'UTC' })}
      </button>
      {open && (
        <div
          className="popover"
          role="dialog"
          aria-label="Choose a time range"
          id={`${id}-panel`}
          onKeyDown={(e) => {
            if (e.key === 'Escape') close();
          }}
        >
          <ul className="presets">
            {PRESETS.map((p) => (
              <li key={p.from}>
                <button
                  type="button"
                  aria-pressed={search.from === p.from && search.to === 'now'}
                  onClick={() => {
                    close();
                    set({ from: p.from, to: 'now' });
                  }}
                >
                  {p.label}
                </button>
              </li>
            ))}
          </ul>
          <form onSubmit={apply} className="absolute">
            <label htmlFor={`${id}-from`}>From</label>
            <input
              id={`${id}-from`}
              value={from}
              onChange={(e) => setFrom(e.target.value)}
              placeholder="2026-12-02T00:00:00Z or now-2h"
            />
            <label htmlFor={`${id}-to`}>To</label>
            <input
              id={`${id}-to`}
              value={to}
              onChange={(e) => setTo(e.target.value)}
              placeholder="now"
            />
            {error && (
              <p className="error" role="alert">
                {error}
              </p>
            )}
            <button type="submit">Apply</button>
          </form>
        </div>
      )}
      <label className="refresh">
        <span className="sr-only">Auto-refresh</span>
        <select
          value={search.refresh}
          onChange={(e) => set({ refresh: e.target.value as Refresh })}
          aria-label="Auto-refresh interval"
        >
          {REFRESH_OPTIONS.map((r) => (
            <option key={r} value={r}>
              {r === 'off' ? 'Refresh: paused' : `Refresh: every ${r}`}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
