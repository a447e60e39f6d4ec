import { useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { meQuery } from '../../../lib/session.js';

/**
 * The layout's project picker: the projects `/auth/me` lists, written to the URL's
 * `project=` (so a shared link opens the same project). Hidden while there is only the
 * default project to show, or when the collector does not answer `/auth/me`.
 */
export function ProjectSwitcher({ project }: { project: string }) {
  const navigate = useNavigate();
  const me = useQuery(meQuery);
  const projects = me.data?.projects ?? [];
  if (projects.length === 0 || (projects.length === 1 && projects[0]!.id === project)) return null;
  const known = projects.some((p) => p.id === project);
  return (
    <div className="project-switcher">
      <select
        aria-label="Project"
        value={project}
        onChange={(e) => {
          const id = e.target.value;
          navigate({
            to: '.',
            search: (prev: Record<string, unknown>) => ({
              ...prev,
              project: id === 'default' ? undefined : id,
            }),
          });
        }}
      >
        {!known && <option value={project}>{project}</option>}
        {projects.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name && p.name !== p.id ? `${p.name} (${p.id})` : p.id}
          </option>
        ))}
      </select>
    </div>
  );
}
