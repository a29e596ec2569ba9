import type { CallDraft } from './call-draft.js';
import { asNumber } from './values.js';

const SOURCE_COST_KEYS = ['gen_ai.usage.cost', 'operation.cost'];

/**
 * A cost the instrumentation priced itself, in USD: OpenLIT's `gen_ai.usage.cost` (from the
 * price list the app gives it), Logfire's and pydantic-ai's `operation.cost`. It is kept as the
 * source's cost, so a user's own prices survive. Zero is not taken: OpenLIT writes 0 for a model
 * missing from its list (or when its list could not be downloaded), so the price table decides.
 */
export function readSourceCost(d: CallDraft): void {
  for (const key of SOURCE_COST_KEYS) {
    const cost = asNumber(d.get(key));
    if (cost === null || !(cost > 0) || !Number.isFinite(cost)) continue;
    d.set('costUsd', cost, key);
    d.set('costSource', 'source', `${key} (priced by the instrumentation)`);
    return;
  }
}
