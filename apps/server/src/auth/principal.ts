/**
 * Who a request acts as:
 * - `project`: a project's key; it sees and writes that project only.
 * - `admin`: an admin key; it manages projects and keys and may act in any project.
 * - `local`: no key, where none is required (loopback with `--auth auto`, or `--auth off`): the
 *   person at this machine, who can read the database file anyway; admin rights, the default
 *   project unless one is chosen.
 */
export type Principal =
  | { readonly role: 'project'; readonly project: string; readonly keyId: string }
  | { readonly role: 'admin'; readonly keyId: string | null }
  | { readonly role: 'local' };

/** Who did it, for the audit log: a key id, `SIGHTLINE_ADMIN_KEY` or `local`. */
export function actorOf(p: Principal): string {
  if (p.role === 'local') return 'local';
  return p.keyId ?? 'SIGHTLINE_ADMIN_KEY';
}

/** Whether it may manage projects and keys and choose the project it acts in. */
export function isAdmin(p: Principal): boolean {
  return p.role !== 'project';
}
