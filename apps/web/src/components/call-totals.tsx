import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { getJson, type Params } from '../api/client';
import type { Metrics } from '../api/types';
import { exactCost, exactCount, formatCost, formatCount, formatDuration, formatShare, NO_COST } from '../lib/format';

/**
 * One line of what a list of calls adds up to over its range and filters — calls, tokens,
 * cost, errors, latency — from `/api/metrics`, which takes the same filters as the list.
 * Keyset pages have no total of their own. Metrics know no free-text search, so with one the
 * line is left out rather than wrong.
 */
export function CallTotals({ params, searching, live }: { params: Params; searching: boolean; live: boolean }) {
  const totals = useQuery({
    queryKey: ['call-totals', params],
    queryFn: ({ signal }) => getJson<Metrics>('/api/metrics', params, signal),
    placeholderData: keepPreviousData,
    enabled: !searching,
    // Live rows arrive one by one; the totals follow a little behind.
    refetchInterval: live ? 10_000 : false,
  });
  const t = totals.data?.total;
  if (searching || !t || t.calls === 0) return null;
  const priced = t.calls - t.unpriced_calls;
  return (
    <p
      className="list-totals"
      data-testid="call-totals"
      title="Over the whole time range and filters, every page. A duplicate call (the same call recorded twice) is counted once."
    >
      <strong>{exactCount(t.calls)}</strong> {t.calls === 1 ? 'call' : 'calls'}
      <Sep />
      <span title={`${exactCount(t.total_tokens)} tokens: ${exactCount(t.input_tokens)} in, ${exactCount(t.output_tokens)} out`}>
        <strong>{formatCount(t.total_tokens)}</strong> tokens
      </span>
      <Sep />
      <span title={`${exactCost(t.cost_usd)} for ${exactCount(priced)} calls. ${NO_COST}`}>
        <strong>{priced > 0 ? formatCost(t.cost_usd) : '—'}</strong>
        {t.unpriced_calls > 0 ? ` (${exactCount(t.unpriced_calls)} without a cost)` : ''}
      </span>
      <Sep />
      <span className={t.errors > 0 ? 'error-text' : undefined}>
        <strong>{exactCount(t.errors)}</strong> {t.errors === 1 ? 'error' : 'errors'}
        {t.errors > 0 && t.error_rate !== null ? ` (${formatShare(t.error_rate)})` : ''}
      </span>
      {t.latency_ms.p50 !== null ? (
        <>
          <Sep />
          latency p50 <strong>{formatDuration(t.latency_ms.p50)}</strong>, p95 <strong>{formatDuration(t.latency_ms.p95)}</strong>
        </>
      ) : null}
    </p>
  );
}

function Sep() {
  return <span className="faint"> · </span>;
}
