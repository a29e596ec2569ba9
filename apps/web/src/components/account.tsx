import { useQuery, useQueryClient } from '@tanstack/react-query';
import { getJson } from '../api/client';
import { chooseProject, useChosenProject } from '../api/project-choice';
import { logOut, type SessionInfo } from '../api/session';

interface ProjectList {
  readonly data: readonly { readonly name: string }[];
}

/**
 * The right of the top bar: the project being looked at (a choice for an admin, or on a server
 * without keys when there are several) and, when logged in, logging out.
 */
export function Account({ session }: { session: SessionInfo }) {
  const client = useQueryClient();
  const mayChoose = session.role === 'admin' || session.role === 'local';
  const projects = useQuery({
    queryKey: ['projects'],
    queryFn: ({ signal }) => getJson<ProjectList>('/api/projects', undefined, signal),
    enabled: mayChoose,
    staleTime: 60_000,
  });
  const chosen = useChosenProject();
  const current = session.role === 'project' ? session.project : (chosen ?? 'default');
  const names = projects.data?.data.map((p) => p.name) ?? [];
  if (current && !names.includes(current)) names.push(current);

  const switchTo = (name: string) => {
    chooseProject(name === 'default' ? null : name);
    // Every list, trace and figure on screen belongs to the old project.
    void client.resetQueries({ predicate: (q) => q.queryKey[0] !== 'session' && q.queryKey[0] !== 'projects' });
  };

  const signOut = async () => {
    await logOut().catch(() => undefined);
    chooseProject(null);
    await client.resetQueries();
  };

  return (
    <div className="account">
      {mayChoose && names.length > 1 ? (
        <label className="project-pick">
          <span>Project</span>
          <select className="select" value={current ?? 'default'} onChange={(e) => switchTo(e.target.value)} aria-label="Project">
            {names.sort().map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
      ) : (
        <span className="project-pick">
          <span>Project</span>
          <span className="project-name">{current}</span>
        </span>
      )}
      {session.authenticated ? (
        <>
          {session.role === 'admin' ? <span className="role-chip">admin</span> : null}
          <button type="button" className="btn small ghost" onClick={() => void signOut()}>
            Log out
          </button>
        </>
      ) : null}
    </div>
  );
}
