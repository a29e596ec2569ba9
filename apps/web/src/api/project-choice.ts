import { useSyncExternalStore } from 'react';

/**
 * Which project the UI reads (an admin's or the local user's choice; null: the default one),
 * kept in memory and written through to local storage, and telling the app when its session
 * has gone. The API modules read it; components follow it with {@link useChosenProject}.
 */
const PROJECT_KEY = 'sightline.project';
/** Told when an answer says the session is gone (401), so the login page shows. */
export const UNAUTHENTICATED = 'sightline:unauthenticated';

function stored(): string | null {
  try {
    return window.localStorage.getItem(PROJECT_KEY);
  } catch {
    return null;
  }
}

let chosen: string | null = stored();
const listeners = new Set<() => void>();

export function chosenProject(): string | null {
  return chosen;
}

export function chooseProject(name: string | null): void {
  if (name === chosen) return;
  chosen = name;
  try {
    if (name === null) window.localStorage.removeItem(PROJECT_KEY);
    else window.localStorage.setItem(PROJECT_KEY, name);
  } catch {
    // Storage off: the choice lasts until the page reloads.
  }
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The chosen project, re-rendering when it changes. */
export function useChosenProject(): string | null {
  return useSyncExternalStore(subscribe, chosenProject);
}

/** Headers that say which project to read, when one was chosen. */
export function projectHeaders(): Record<string, string> {
  return chosen ? { 'X-Sightline-Project': chosen } : {};
}

export function noteUnauthenticated(): void {
  window.dispatchEvent(new Event(UNAUTHENTICATED));
}
