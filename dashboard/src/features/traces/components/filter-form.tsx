import { type FormEvent, useState } from 'react';
import type { TraceFilters } from '../prepare.js';
import { parseAttrFilter } from '../prepare.js';

/** Props of {@link FilterForm}. */
export interface FilterFormProps {
  filters: TraceFilters;
  services: string[];
  models: Array<{ model: string; versions: string[] }>;
  onApply: (f: TraceFilters) => void;
}

const numberOrUndefined = (s: string) => (s.trim() === '' ? undefined : Number(s));

/**
 * The trace search filters. Edits stay local until "Search" (or Enter), which writes them to
 * the URL; the page reads them back from there, so a search can be shared.
 */
export function FilterForm({ filters, services, models, onApply }: FilterFormProps) {
  const [service, setService] = useState(filters.service ?? '');
  const [model, setModel] = useState(filters.model ?? '');
  const [version, setVersion] = useState(filters.version ?? '');
  const [status, setStatus] = useState(filters.status ?? '');
  const [minMs, setMinMs] = useState(filters.minMs?.toString() ?? '');
  const [maxMs, setMaxMs] = useState(filters.maxMs?.toString() ?? '');
  const [attrs, setAttrs] = useState((filters.attr ?? []).join('\n'));
  const [problem, setProblem] = useState<string>();
  const versions = models.find((m) => m.model === model)?.versions ?? [];

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const lines = attrs
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '');
    const bad = lines.find((l) => parseAttrFilter(l) === undefined);
    if (bad) return setProblem(`"${bad}" is not key=value`);
    const min = numberOrUndefined(minMs);
    const max = numberOrUndefined(maxMs);
    if ([min, max].some((n) => n !== undefined && !(Number.isFinite(n) && n >= 0)))
      return setProblem('Durations are milliseconds, 0 or more');
    if (min !== undefined && max !== undefined && min > max)
      return setProblem('The minimum duration is above the maximum');
    setProblem(undefined);
    onApply({
      service: service || undefined,
      model: model || undefined,
      version: version || undefined,
      status: status === 'ok' || status === 'error' ? status : undefined,
      minMs: min,
      maxMs: max,
      attr: lines.length > 0 ? lines.slice(0, 20) : undefined,
      sort: filters.sort,
    });
  };
  const clear = () => {
    setService('');
    setModel('');
    setVersion('');
    setStatus('');
    setMinMs('');
    setMaxMs('');
    setAttrs('');
    setProblem(undefined);
    onApply({});
  };

  return (
    <form className="filters" onSubmit={submit} aria-label="Trace filters">
      <label>
        Service
        <select value={service} onChange={(e) => setService(e.target.value)}>
          <option value="">any</option>
          {[...new Set([...services, ...(filters.service ? [filters.service] : [])])].map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label>
        Model
        <select
          value={model}
          onChange={(e) => {
            setModel(e.target.value);
            setVersion('');
          }}
        >
          <option value="">any</option>
          {[
            ...new Set([...models.map((m) => m.model), ...(filters.model ? [filters.model] : [])]),
          ].map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
      </label>
      <label>
        Version
        <input
          value={version}
          list="trace-versions"
          onChange={(e) => setVersion(e.target.value)}
          placeholder="any"
          size={8}
        />
        <datalist id="trace-versions">
          {versions.map((v) => (
            <option key={v} value={v} />
          ))}
        </datalist>
      </label>
      <label>
        Status
        <select value={status} onChange={(e) => setStatus(e.target.value)}>
          <option value="">any</option>
          <option value="ok">ok</option>
          <option value="error">error</option>
        </select>
      </label>
      <label>
        Min duration (ms)
        <input
          value={minMs}
          onChange={(e) => setMinMs(e.target.value)}
          inputMode="decimal"
          size={7}
        />
      </label>
      <label>
        Max duration (ms)
        <input
          value={maxMs}
          onChange={(e) => setMaxMs(e.target.value)}
          inputMode="decimal"
          size={7}
        />
      </label>
      <label className="filters-attrs">
        Attributes (key=value, one per line)
        <textarea
          value={attrs}
          onChange={(e) => setAttrs(e.target.value)}
          rows={Math.max(1, Math.min(4, attrs.split('\n').length))}
          placeholder="user.tier=gold"
          onKeyDown={(e) => {
            // Ctrl/Cmd+Enter searches from the textarea, where Enter adds a line.
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) submit(e);
          }}
        />
      </label>
      <div className="filters-actions">
        <button type="submit">Search</button>
        <button type="button" onClick={clear}>
          Clear
        </button>
      </div>
      <p className="muted small filters-note">
        Service, model, version and attributes match within one span; status and duration are the
        whole trace’s.
      </p>
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}
