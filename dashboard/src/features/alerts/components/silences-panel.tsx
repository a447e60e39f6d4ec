import type { SilencesResponse } from '@aiobs/api-types';
import { ConfirmButton } from '../../../components/confirm-button.js';
import { Empty } from '../../../components/states.js';
import { UtcTimeField } from '../../../components/utc-time-field.js';
import type { AlertMutations } from '../api.js';
import { formatMatchers, type SilenceDraft, silenceBody, utcInput } from '../prepare.js';
import { Problem, useDraft } from '../use-draft.js';
import { WriteError } from './write-error.js';

const HOUR = 3_600_000;
const time = (iso: string) => iso.slice(0, 16).replace('T', ' ');

/** A new silence: matchers, start and end (UTC, default now for two hours), why. */
function SilenceForm({ m }: { m: AlertMutations }) {
  const fresh = (): SilenceDraft => {
    const now = Date.now();
    return { matchers: '', startsAt: utcInput(now), endsAt: utcInput(now + 2 * HOUR), comment: '' };
  };
  const { field, problem, submit, reset } = useDraft(fresh);
  return (
    <>
      <form
        className="filters"
        onSubmit={submit(
          (d) => silenceBody(d, Date.now()),
          (b) => m.createSilence.mutate(b, { onSuccess: reset }),
        )}
        aria-label="New silence"
      >
        <label>
          Matchers
          <input
            {...field('matchers')}
            size={28}
            placeholder='alertname="chat p95", team=~"ml-.*"'
          />
        </label>
        <UtcTimeField label="Starts (UTC)" {...field('startsAt')} />
        <UtcTimeField label="Ends (UTC)" {...field('endsAt')} />
        <label>
          Comment
          <input {...field('comment')} size={24} placeholder="provider incident" />
        </label>
        <div className="filters-actions">
          <button type="submit" disabled={m.createSilence.isPending}>
            {m.createSilence.isPending ? 'Creating…' : 'Create silence'}
          </button>
        </div>
        <Problem text={problem} />
      </form>
      <WriteError error={m.createSilence.error} action="create the silence" />
    </>
  );
}

/** Props of {@link SilencesPanel}. */
export interface SilencesPanelProps {
  data: SilencesResponse;
  m: AlertMutations;
  editable: boolean;
}

/** Silences, newest first, each expirable while not expired; the create form below. */
export function SilencesPanel({ data, m, editable }: SilencesPanelProps) {
  return (
    <>
      {data.silences.length === 0 ? (
        <Empty title="No silences">
          <p>
            A silence mutes the notifications of alerts whose labels match, for a while (for example{' '}
            <code>alertname="chat p95 latency"</code>).
          </p>
        </Empty>
      ) : (
        <table className="table" data-testid="silences-table">
          <caption className="sr-only">Silences</caption>
          <thead>
            <tr>
              <th scope="col">Matchers</th>
              <th scope="col">From – to (UTC)</th>
              <th scope="col">State</th>
              <th scope="col">Comment</th>
              {editable && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {data.silences.map((s) => (
              <tr key={s.id} data-silence={s.comment}>
                <td>
                  <code>{formatMatchers(s.matchers)}</code>
                </td>
                <td>
                  {time(s.startsAt)} – {time(s.endsAt)}
                </td>
                <td>
                  <span className={`badge state-${s.status.state}`}>{s.status.state}</span>
                </td>
                <td>
                  {s.comment}
                  {s.createdBy && <div className="muted small">by {s.createdBy}</div>}
                </td>
                {editable && (
                  <td>
                    {s.status.state !== 'expired' && (
                      <ConfirmButton
                        label="Expire"
                        question="Expire it now?"
                        busy={m.expireSilence.isPending && m.expireSilence.variables === s.id}
                        onConfirm={() => m.expireSilence.mutate(s.id)}
                      />
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <WriteError error={m.expireSilence.error} action="expire the silence" />
      {editable && <SilenceForm m={m} />}
    </>
  );
}
