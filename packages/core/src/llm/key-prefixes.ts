import type { Attributes } from '../model/any-value.js';

/** Attribute-key namespaces that mark a vocabulary, as bit flags. */
export const KeyPrefix = {
  GenAi: 1,
  Langfuse: 2,
  Plano: 4,
  Routing: 8,
  Traceloop: 16,
} as const;

const PREFIXES: readonly (readonly [string, number])[] = [
  ['gen_ai.', KeyPrefix.GenAi],
  ['langfuse.', KeyPrefix.Langfuse],
  ['plano.', KeyPrefix.Plano],
  ['routing.', KeyPrefix.Routing],
  ['traceloop.', KeyPrefix.Traceloop],
];

/**
 * Which marking namespaces a span's attribute keys use, found in one pass over the keys so
 * that detecting a vocabulary does not scan them once per vocabulary.
 */
export function keyPrefixes(attributes: Attributes): number {
  let flags = 0;
  for (const key in attributes) {
    const c = key.charCodeAt(0);
    // Only keys starting with g, l, p, r or t can carry a marking prefix.
    if (c !== 103 && c !== 108 && c !== 112 && c !== 114 && c !== 116) continue;
    for (const [prefix, flag] of PREFIXES) {
      if ((flags & flag) === 0 && key.startsWith(prefix)) {
        flags |= flag;
        break;
      }
    }
  }
  return flags;
}
