import type { CallDraft } from './call-draft.js';
import { parseProviderName } from './provider-names.js';
import { asString } from './values.js';

/**
 * Sets `provider` (the vendor) and `hostProvider` from the first of `keys` present; a name that
 * only says where the model ran leaves the vendor to be told by the model name later.
 */
export function providerFields(d: CallDraft, keys: readonly string[], options: { vercel?: boolean } = {}): void {
  for (const key of keys) {
    const raw = asString(d.get(key));
    if (raw === null) continue;
    const { vendor, host } = parseProviderName(raw, options.vercel);
    d.set('provider', vendor, key);
    d.set('hostProvider', host, key);
    return;
  }
}
