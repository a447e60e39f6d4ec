import type { ChannelCreated, ChannelsResponse } from '@aiobs/api-types';
import { useState } from 'react';
import { ConfirmButton } from '../../../components/confirm-button.js';
import { SecretBox } from '../../../components/secret-box.js';
import { Empty } from '../../../components/states.js';
import type { AlertMutations } from '../api.js';
import { type ChannelDraft, channelBody, healthText, testResult } from '../prepare.js';
import { Problem, useDraft } from '../use-draft.js';
import { WriteError } from './write-error.js';

const EMPTY: ChannelDraft = { name: '', url: '', format: 'alertmanager', headers: '' };

/** Adding a webhook channel; its signing secret is shown once, right after. */
function ChannelForm({ m }: { m: AlertMutations }) {
  const { field, problem, submit, reset } = useDraft(() => EMPTY);
  const [created, setCreated] = useState<ChannelCreated>();
  return (
    <>
      {created && (
        <SecretBox
          label={`Signing secret of “${created.name}”`}
          secret={created.secret}
          onDone={() => setCreated(undefined)}
        >
          give it to the receiver of “{created.name}” so that it can verify the{' '}
          <code>webhook-signature</code> of each request (Standard Webhooks).
        </SecretBox>
      )}
      <form
        className="filters"
        onSubmit={submit(channelBody, (b) =>
          m.createChannel.mutate(b, {
            onSuccess: (ch) => {
              setCreated(ch);
              reset();
            },
          }),
        )}
        aria-label="Add a webhook channel"
      >
        <label>
          Channel name
          <input {...field('name')} placeholder="on-call" required />
        </label>
        <label>
          Webhook URL
          <input
            {...field('url')}
            type="url"
            size={32}
            placeholder="https://hooks.example.com/aiobs"
            required
          />
        </label>
        <label>
          Format
          <select {...field('format')}>
            <option value="alertmanager">Alertmanager (v4)</option>
            <option value="slack">Slack</option>
          </select>
        </label>
        <label>
          Headers (one “Name: value” a line)
          <textarea
            {...field('headers')}
            rows={2}
            cols={28}
            placeholder="Authorization: Bearer …"
          />
        </label>
        <div className="filters-actions">
          <button type="submit" disabled={m.createChannel.isPending}>
            {m.createChannel.isPending ? 'Adding…' : 'Add channel'}
          </button>
        </div>
        <Problem text={problem} />
      </form>
      <WriteError error={m.createChannel.error} action="add the channel" />
    </>
  );
}

/** Props of {@link ChannelsPanel}. */
export interface ChannelsPanelProps {
  data: ChannelsResponse;
  m: AlertMutations;
  editable: boolean;
}

/**
 * Webhook channels: each with its delivery health (a failing channel is marked and says
 * why), a test send whose outcome shows on its row, and delete; the add form below.
 */
export function ChannelsPanel({ data, m, editable }: ChannelsPanelProps) {
  const tested = m.testChannel.variables;
  const result = m.testChannel.data ? testResult(m.testChannel.data) : undefined;
  return (
    <>
      {data.channels.length === 0 ? (
        <Empty title="No channels">
          <p>
            {editable
              ? 'Add a webhook below (Alertmanager or Slack body), then name it in a rule.'
              : 'An editor of this project can add webhooks here.'}
          </p>
        </Empty>
      ) : (
        <table className="table" data-testid="channels-table">
          <caption className="sr-only">Webhook channels and their delivery health</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">URL</th>
              <th scope="col">Health</th>
              {editable && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {data.channels.map((ch) => (
              <tr key={ch.id} data-channel={ch.name} data-health={ch.health.status}>
                <td>
                  {ch.name}
                  <div className="muted small">{ch.format}</div>
                </td>
                <td className="url-cell">
                  {/* One line, cut with an ellipsis: the whole address is in the tooltip. */}
                  <code title={ch.url}>{ch.url}</code>
                </td>
                <td className="health-cell">
                  <span className={`badge state-${ch.health.status}`}>{ch.health.status}</span>
                  <div className="muted small">{healthText(ch.health)}</div>
                  {ch.health.lastError && <div className="error small">{ch.health.lastError}</div>}
                  {tested === ch.id && m.testChannel.isPending && (
                    <div className="small" role="status">
                      Sending a test…
                    </div>
                  )}
                  {tested === ch.id && result && (
                    <div
                      className={result.ok ? 'small state-ok' : 'small error'}
                      role="status"
                      data-testid="test-result"
                    >
                      Test: {result.text}
                    </div>
                  )}
                  {tested === ch.id && (
                    <WriteError error={m.testChannel.error} action="send a test" />
                  )}
                </td>
                {editable && (
                  <td>
                    <div className="actions">
                      <button
                        type="button"
                        disabled={m.testChannel.isPending}
                        onClick={() => m.testChannel.mutate(ch.id)}
                      >
                        Send test
                      </button>
                      <ConfirmButton
                        label="Delete"
                        question={`Delete “${ch.name}”?`}
                        busy={m.deleteChannel.isPending && m.deleteChannel.variables === ch.id}
                        onConfirm={() => m.deleteChannel.mutate(ch.id)}
                      />
                    </div>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <WriteError error={m.deleteChannel.error} action="delete the channel" />
      {editable && <ChannelForm m={m} />}
    </>
  );
}
