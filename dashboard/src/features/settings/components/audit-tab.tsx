import { useState } from 'react';
import { Empty, Panel } from '../../../components/states.js';
import { useAudit, useMembers } from '../api.js';
import { auditRows } from '../prepare.js';
import { QuerySection } from './query-section.js';

/** The project's audit log, newest first, 50 a page (owners only). */
export function AuditTab({ project }: { project: string }) {
  // The cursors of the pages before this one, so "Newer" can go back.
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1);
  const audit = useAudit(project, cursor);
  const members = useMembers(project);
  return (
    <Panel title={`Audit log of ${project}`} wide>
      <QuerySection query={audit} needs={`the owner role in “${project}”`}>
        {(d) =>
          d.entries.length === 0 && cursors.length === 0 ? (
            <Empty title="Nothing recorded yet">
              <p>
                Every change (keys, members, rules, channels, prices…) shows here with who made it.
              </p>
            </Empty>
          ) : (
            <>
              <table className="table table-compact" data-testid="audit-table">
                <caption className="sr-only">Audit log entries, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">Time (UTC)</th>
                    <th scope="col">Actor</th>
                    <th scope="col">Action</th>
                    <th scope="col">Target</th>
                    <th scope="col">Request</th>
                  </tr>
                </thead>
                <tbody>
                  {auditRows(d.entries, members.data?.members).map((r) => (
                    <tr key={r.key} data-action={r.action}>
                      <td>{r.at}</td>
                      <td>{r.actor}</td>
                      <td>
                        <code>{r.action}</code>
                      </td>
                      <td className="wrap">{r.target}</td>
                      <td className="wrap">
                        <code>{r.request}</code>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <div className="toolbar pager">
                <button
                  type="button"
                  disabled={cursors.length === 0}
                  onClick={() => setCursors(cursors.slice(0, -1))}
                >
                  ← Newer
                </button>
                <span className="muted small">Page {cursors.length + 1}</span>
                <button
                  type="button"
                  disabled={!d.nextCursor || audit.isPlaceholderData}
                  onClick={() => d.nextCursor && setCursors([...cursors, d.nextCursor])}
                >
                  Older →
                </button>
              </div>
            </>
          )
        }
      </QuerySection>
    </Panel>
  );
}
