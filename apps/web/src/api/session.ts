import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { apiErrorOf, getJson } from './client';
import { chooseProject, chosenProject, UNAUTHENTICATED } from './project-choice';

/** What `GET /api/session` says of this browser. */
export interface SessionInfo {
  readonly auth_required: boolean;
  readonly authenticated: boolean;
  readonly role: 'project' | 'admin' | 'local' | null;
  readonly project: string | null;
  readonly key_id: string | null;
  /** The port this server takes OTLP/gRPC on. */
  readonly otlp_grpc_port?: number | null;
}

/** Who this browser is; refetched when any answer says the session has gone. */
export function useSession() {
  const client = useQueryClient();
  const session = useQuery({
    queryKey: ['session'],
    queryFn: async ({ signal }) => {
      const info = await getJson<SessionInfo>('/api/session', undefined, signal);
      // A project's key reads its own project only: forget a choice an admin made in this
      // browser, and read again what was asked with it.
      if (info.role === 'project' && chosenProject() !== null) {
        chooseProject(null);
        void client.resetQueries({ predicate: (q) => q.queryKey[0] !== 'session' });
      }
      return info;
    },
    staleTime: 60_000,
  });
  useEffect(() => {
    const refetch = () => void client.invalidateQueries({ queryKey: ['session'] });
    window.addEventListener(UNAUTHENTICATED, refetch);
    return () => window.removeEventListener(UNAUTHENTICATED, refetch);
  }, [client]);
  return session;
}

async function send(method: 'POST' | 'DELETE', body?: unknown): Promise<void> {
  const res = await fetch('/api/session', {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw await apiErrorOf(res);
}

export const logIn = (apiKey: string) => send('POST', { api_key: apiKey });
export const logOut = () => send('DELETE');
