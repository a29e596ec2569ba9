import { useRouterState } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { isRange, type RangeValue } from './time-range';

/** The pages that pick a time range (`?range=`; none in the URL is the page's default). */
const RANGE_PAGES = new Set(['/traces', '/calls', '/sessions', '/users', '/dashboard', '/metrics']);

/**
 * The time range the sections' links carry: the one picked on the page shown, or, on a page
 * without one (a trace, a session), the one last picked on a page that has one — so the range
 * goes with you from a list through a trace to the next list.
 */
export function useCarriedRange(): RangeValue | undefined {
  const location = useRouterState({ select: (s) => s.location });
  const picked = (location.search as { range?: string }).range;
  const onRangePage = RANGE_PAGES.has(location.pathname.replace(/\/$/, ''));
  const [last, setLast] = useState<RangeValue | undefined>(undefined);
  const current = onRangePage ? (isRange(picked) ? picked : undefined) : last;
  useEffect(() => {
    if (onRangePage) setLast(current);
  }, [onRangePage, current]);
  return current;
}
