import { Link } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { Empty, Panel } from '../../../components/states.js';
import { ACTIONS, TableHead } from '../../../components/table-head.js';
import { useRangeSearch } from '../../../lib/use-range.js';
import { useProjectMutations, useProjects } from '../api.js';
import { formatWhen, projectIdProblem } from '../prepare.js';
import { MutationError, QuerySection } from './query-section.js';

/** The caller's projects, which one the dashboard shows, and a form for a new one. */
export function ProjectsTab({ project }: { project: string }) {
  const search = useRangeSearch();
  const projects = useProjects();
  const m = useProjectMutations(project);
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [touched, setTouched] = useState(false);
  const problem = projectIdProblem(id.trim());
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (problem) return;
    m.createProject.mutate(
      { id: id.trim(), name: name.trim() || id.trim() },
      {
        onSuccess: () => {
          setId('');
          setName('');
          setTouched(false);
        },
      },
    );
  };
  return (
    <>
      <Panel title="Projects" wide>
        <QuerySection query={projects}>
          {(d) =>
            d.projects.length === 0 ? (
              <Empty title="No projects yet">
                <p>Create one below; you become its owner.</p>
              </Empty>
            ) : (
              <table className="table" data-testid="projects-table">
                <caption className="sr-only">Projects you may use</caption>
                <TableHead columns={['Id', 'Name', 'Your role', 'Created (UTC)', ACTIONS]} />
                <tbody>
                  {d.projects.map((p) => (
                    <tr key={p.id} data-project={p.id}>
                      <td>
                        <code>{p.id}</code>
                      </td>
                      <td>{p.name}</td>
                      <td>{p.role ?? 'instance admin'}</td>
                      <td>{formatWhen(p.createdAt)}</td>
                      <td>
                        {p.id === project ? (
                          <span className="badge">shown now</span>
                        ) : (
                          <Link
                            to="/settings"
                            search={{
                              ...search,
                              project: p.id === 'default' ? undefined : p.id,
                              tab: 'members',
                            }}
                            aria-label={`Manage ${p.id}`}
                          >
                            Manage
                          </Link>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          }
        </QuerySection>
      </Panel>
      <Panel title="New project" wide>
        <form className="filters" onSubmit={submit} aria-label="New project" noValidate>
          <label>
            Id
            <input
              value={id}
              onChange={(e) => setId(e.target.value)}
              placeholder="checkout-prod"
              aria-invalid={touched && problem !== undefined}
              aria-describedby="project-id-help"
              required
            />
          </label>
          <label>
            Name
            <input
              value={name}
              onChange={(e) => setName(e.target.value)}
              placeholder="Checkout (production)"
            />
          </label>
          <button type="submit" disabled={m.createProject.isPending}>
            {m.createProject.isPending ? 'Creating…' : 'Create project'}
          </button>
          <p id="project-id-help" className={touched && problem ? 'error' : 'muted small'}>
            {touched && problem
              ? problem
              : 'The id goes into URLs and into ingest keys’ project; it cannot change later.'}
          </p>
          <MutationError error={m.createProject.error} />
          {m.createProject.data && (
            <p role="status">
              Created <code>{m.createProject.data.id}</code>. Open it with “Manage” to add members
              and keys.
            </p>
          )}
        </form>
      </Panel>
    </>
  );
}
