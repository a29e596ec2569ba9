import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { ApiError, getJson } from './client';
import { UNAUTHENTICATED } from './project-choice';

/** What `GET /api/session` says of this browser. */
export interface SessionInfo {
  readonly auth_required: boolean;
  readonly authenticated: boolean;
  readonly role: 'project' | 'admin' | 'local' | null;
  readonly project: string | null;
  readonly key_id: string | null;
}

/** Who this browser is; refetched when any answer says the session has gone. */
export function useSession() {
  const client = useQueryClient();
  const session = useQuery({
    queryKey: ['session'],
    queryFn: ({ signal }) => getJson<SessionInfo>('/api/session', undefined, signal),
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
  if (!res.ok) {
    const answer = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
    throw new ApiError(res.status, answer?.error?.code ?? 'http_error', answer?.error?.message ?? `${res.status} ${res.statusText}`);
  }
}

export const logIn = (apiKey: string) => send('POST', { api_key: apiKey });
export const logOut = () => send('DELETE');
