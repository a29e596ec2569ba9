import type { CallDraft } from './call-draft.js';
import { isFrameworkName, parseProviderName } from './provider-names.js';
import { asString } from './values.js';

/**
 * Sets `provider` (the vendor) and `hostProvider` from the first of `keys` present; a name that
 * only says where the model ran leaves the vendor to be told by the model name later. A key
 * that names a framework (Strands Agents' `gen_ai.system="strands-agents"`) is passed over, so
 * the provider comes from the next key, the model name or the server address.
 */
export function providerFields(d: CallDraft, keys: readonly string[], options?: { vercel?: boolean }): void {
  for (const key of keys) {
    const raw = asString(d.get(key));
    if (raw === null || isFrameworkName(raw)) continue;
    const { vendor, host } = parseProviderName(raw, options?.vercel);
    d.set('provider', vendor, key);
    d.set('hostProvider', host, key);
    return;
  }
}
