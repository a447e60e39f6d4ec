import type { MaintenanceWindowsResponse } from '@aiobs/api-types';
import { ConfirmButton } from '../../../components/confirm-button.js';
import { Empty } from '../../../components/states.js';
import { UtcTimeField } from '../../../components/utc-time-field.js';
import type { AlertMutations } from '../api.js';
import {
  describeWindow,
  formatMatchers,
  utcInput,
  type WindowDraft,
  windowBody,
} from '../prepare.js';
import { Problem, useDraft } from '../use-draft.js';
import { WriteError } from './write-error.js';

const HOUR = 3_600_000;

/** A one-off window: name, matchers (none: every alert), start and end in UTC. */
function WindowForm({ m }: { m: AlertMutations }) {
  const fresh = (): WindowDraft => {
    const now = Date.now();
    return { name: '', matchers: '', startsAt: utcInput(now), endsAt: utcInput(now + HOUR) };
  };
  const { field, problem, submit, reset } = useDraft(fresh);
  return (
    <>
      <form
        className="filters"
        onSubmit={submit(
          (d) => windowBody(d, Date.now()),
          (b) => m.createWindow.mutate(b, { onSuccess: reset }),
        )}
        aria-label="New maintenance window"
      >
        <label>
          Window name
          <input {...field('name')} placeholder="GPU driver upgrade" />
        </label>
        <label>
          Window matchers (empty: all)
          <input {...field('matchers')} size={22} placeholder='model="acme/chat"' />
        </label>
        <UtcTimeField label="Window starts (UTC)" {...field('startsAt')} />
        <UtcTimeField label="Window ends (UTC)" {...field('endsAt')} />
        <div className="filters-actions">
          <button type="submit" disabled={m.createWindow.isPending}>
            {m.createWindow.isPending ? 'Adding…' : 'Add window'}
          </button>
        </div>
        <Problem text={problem} />
      </form>
      <WriteError error={m.createWindow.error} action="add the window" />
    </>
  );
}

/** Maintenance windows (planned work: alerts stay quiet while one is active). */
export function WindowsPanel({
  data,
  m,
  editable,
}: {
  data: MaintenanceWindowsResponse;
  m: AlertMutations;
  editable: boolean;
}) {
  return (
    <>
      {data.windows.length === 0 ? (
        <Empty title="No maintenance windows">
          <p>
            Plan quiet time for upgrades: one-off here, weekly with{' '}
            <code>POST /api/v1/maintenance-windows</code> and a <code>recurrence</code>.
          </p>
        </Empty>
      ) : (
        <table className="table" data-testid="windows-table">
          <caption className="sr-only">Maintenance windows</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">When</th>
              <th scope="col">Matchers</th>
              <th scope="col">Now</th>
              {editable && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {data.windows.map((w) => (
              <tr key={w.id} data-window={w.name}>
                <td>{w.name}</td>
                <td>{describeWindow(w)}</td>
                <td>
                  <code>{w.matchers.length ? formatMatchers(w.matchers) : 'every alert'}</code>
                </td>
                <td>
                  <span className={`badge state-${w.active ? 'active' : 'inactive'}`}>
                    {w.active ? 'active' : 'not active'}
                  </span>
                </td>
                {editable && (
                  <td>
                    <ConfirmButton
                      label="Delete"
                      question={`Delete “${w.name}”?`}
                      busy={m.deleteWindow.isPending && m.deleteWindow.variables === w.id}
                      onConfirm={() => m.deleteWindow.mutate(w.id)}
                    />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <WriteError error={m.deleteWindow.error} action="delete the window" />
      {editable && <WindowForm m={m} />}
    </>
  );
}
