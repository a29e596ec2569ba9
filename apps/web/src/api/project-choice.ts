/** Which project the UI reads, and telling the app when its session has gone. Imports nothing, so every API module can use it. */

const PROJECT_KEY = 'sightline.project';
/** Told when an answer says the session is gone (401), so the login page shows. */
export const UNAUTHENTICATED = 'sightline:unauthenticated';

/** The project an admin (or the local user) chose to look at; null: the default one. */
export function chosenProject(): string | null {
  try {
    return window.localStorage.getItem(PROJECT_KEY);
  } catch {
    return null;
  }
}

export function chooseProject(name: string | null): void {
  try {
    if (name === null) window.localStorage.removeItem(PROJECT_KEY);
    else window.localStorage.setItem(PROJECT_KEY, name);
  } catch {
    // Storage off: the choice lasts until the page reloads.
  }
}

/** Headers that say which project to read, when one was chosen. */
export function projectHeaders(): Record<string, string> {
  const project = chosenProject();
  return project ? { 'X-Sightline-Project': project } : {};
}

export function noteUnauthenticated(): void {
  window.dispatchEvent(new Event(UNAUTHENTICATED));
}
