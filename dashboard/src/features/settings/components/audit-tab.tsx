import { useState } from 'react';
import { Empty, Panel } from '../../../components/states.js';
import { TableHead } from '../../../components/table-head.js';
import { useAudit, usePeople } from '../api.js';
import { auditRows } from '../prepare.js';
import { QuerySection } from './query-section.js';

/** The project's audit log, newest first, 50 a page (owners only). */
export function AuditTab({ project }: { project: string }) {
  // The cursors of the pages before this one, so "Newer" can go back.
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1);
  const audit = useAudit(project, cursor);
  const people = usePeople(project);
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
                <TableHead columns={['Time (UTC)', 'Actor', 'Action', 'Target', 'Request']} />
                <tbody>
                  {auditRows(d.entries, people).map((r) => (
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
