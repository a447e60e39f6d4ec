import { type FormEvent, useState } from 'react';
import { Empty, Panel } from '../../../components/states.js';
import { usePrices, useSavePrices } from '../api.js';
import { blankPrice, fromPriceDrafts, type PriceDraft, toPriceDrafts } from '../prepare.js';
import { MutationError, QuerySection } from './query-section.js';

const COLUMNS: ReadonlyArray<{ field: keyof PriceDraft; label: string; numeric?: boolean }> = [
  { field: 'provider', label: 'Provider' },
  { field: 'model', label: 'Model' },
  { field: 'effectiveFrom', label: 'From (UTC day)' },
  { field: 'inputPerMillion', label: 'Input $/M tokens', numeric: true },
  { field: 'outputPerMillion', label: 'Output $/M tokens', numeric: true },
  { field: 'cacheReadPerMillion', label: 'Cached input $/M', numeric: true },
  { field: 'gpuHourUsd', label: 'GPU-hour $ (self-hosted)', numeric: true },
];

/** Token and GPU-hour prices per model, as cost figures use them; saved as one list. */
export function PricesTab() {
  const prices = usePrices();
  return (
    <Panel title="Prices" wide>
      <p className="muted small">
        USD per million tokens by provider and model, from a day on (a new row with a later day
        keeps the old price for older traffic). GPU-hour prices cost self-hosted models by the GPUs
        of their hosts.
      </p>
      <QuerySection query={prices}>
        {(d) => (
          <PriceEditor key={d.revision} initial={toPriceDrafts(d.prices)} revision={d.revision} />
        )}
      </QuerySection>
    </Panel>
  );
}

function PriceEditor({ initial, revision }: { initial: PriceDraft[]; revision: number }) {
  const [rows, setRows] = useState<PriceDraft[]>(initial);
  const [problem, setProblem] = useState<{ error: string; row: number; field: string }>();
  const save = useSavePrices();
  const set = (i: number, field: keyof PriceDraft, value: string) =>
    setRows(rows.map((r, j) => (j === i ? { ...r, [field]: value } : r)));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body = fromPriceDrafts(rows);
    if ('error' in body) {
      setProblem(body);
      return;
    }
    setProblem(undefined);
    save.mutate(body.prices);
  };
  const today = new Date().toISOString().slice(0, 10);
  return (
    <form onSubmit={submit} aria-label="Prices">
      {rows.length === 0 ? (
        <Empty title="No prices">
          <p>Without prices, cost shows as “—”. Add a row per model you pay for.</p>
        </Empty>
      ) : (
        <div className="table-scroll">
          <table className="table table-compact" data-testid="prices-table">
            <caption className="sr-only">Prices per model</caption>
            <thead>
              <tr>
                {COLUMNS.map((c) => (
                  <th key={c.field} scope="col" className={c.numeric ? 'num' : undefined}>
                    {c.label}
                  </th>
                ))}
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: rows have no id until saved
                <tr key={i}>
                  {COLUMNS.map((c) => (
                    <td key={c.field}>
                      <input
                        className={c.numeric ? 'num-input' : undefined}
                        inputMode={c.numeric ? 'decimal' : undefined}
                        aria-label={`${c.label}, row ${i + 1}`}
                        aria-invalid={problem?.row === i && problem.field === c.field}
                        value={r[c.field]}
                        onChange={(e) => set(i, c.field, e.target.value)}
                      />
                    </td>
                  ))}
                  <td>
                    <button
                      type="button"
                      aria-label={`Remove row ${i + 1}`}
                      onClick={() => setRows(rows.filter((_, j) => j !== i))}
                    >
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="toolbar">
        <button type="button" onClick={() => setRows([...rows, blankPrice(today)])}>
          Add a price
        </button>
        <button type="submit" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : 'Save prices'}
        </button>
        <span className="muted small">Revision {revision}</span>
        {save.isSuccess && !save.isPending && <span role="status">Saved.</span>}
      </div>
      {problem && (
        <p className="error" role="alert">
          Row {problem.row + 1}: {problem.error}
        </p>
      )}
      <MutationError error={save.error} />
    </form>
  );
}
