import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { type Params, queryString } from '../api/client';
import { useChosenProject } from '../api/project-choice';
import type { Page } from '../api/types';

export type LiveStatus = 'off' | 'connecting' | 'live' | 'retrying';

/**
 * Subscribes to `GET /api/live` (Server-Sent Events) while `enabled`, handing each event of
 * `type` to `onEvent`. The browser's EventSource reconnects on its own, resuming from the
 * last event id; `reset` (the server's ring no longer holds where we were) calls `onReset`.
 */
export function useLive<T>(
  enabled: boolean,
  type: 'trace' | 'call',
  params: Params,
  onEvent: (data: T) => void,
  onReset?: () => void,
): LiveStatus {
  const [status, setStatus] = useState<LiveStatus>('off');
  const handler = useRef(onEvent);
  const reset = useRef(onReset);
  handler.current = onEvent;
  reset.current = onReset;
  const project = useChosenProject();
  const query = queryString(project ? { ...params, project } : params);
  useEffect(() => {
    if (!enabled) {
      setStatus('off');
      return;
    }
    setStatus('connecting');
    const source = new EventSource(`/api/live${query}`);
    source.onopen = () => setStatus('live');
    source.onerror = () => setStatus(source.readyState === EventSource.CLOSED ? 'off' : 'retrying');
    source.addEventListener(type, (e) => {
      try {
        handler.current(JSON.parse((e as MessageEvent<string>).data) as T);
      } catch {
        // A malformed event is skipped.
      }
    });
    source.addEventListener('reset', () => reset.current?.());
    source.addEventListener('dropped', () => {
      // The server dropped us for reading too slowly: start again from now.
      reset.current?.();
    });
    return () => source.close();
  }, [enabled, type, query]);
  return status;
}

/**
 * A newest-first list kept live: each event of `type` goes to the top of the cached page under
 * `key` (replacing an older copy of itself, the page kept to `limit` rows), and is remembered as
 * fresh, for the row to show it. A `reset` refetches the page.
 */
export function useLiveList<T>(options: {
  enabled: boolean;
  type: 'trace' | 'call';
  filters: Params;
  key: readonly unknown[];
  idOf: (item: T) => string;
  limit: number;
  refetch: () => void;
}): { status: LiveStatus; fresh: ReadonlySet<string> } {
  const queryClient = useQueryClient();
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const { key, idOf, limit } = options;
  const status = useLive<T>(
    options.enabled,
    options.type,
    options.filters,
    (item) => {
      const id = idOf(item);
      queryClient.setQueryData<Page<T>>(key, (page) => {
        if (!page) return page;
        const rest = page.data.filter((other) => idOf(other) !== id);
        return { ...page, data: [item, ...rest].slice(0, limit) };
      });
      setFresh((prev) => new Set(prev).add(id));
    },
    options.refetch,
  );
  return { status, fresh };
}
