import type { CallDraft } from './call-draft.js';
import { asNumber, asString } from './values.js';

const KEY = 'gen_ai.server.time_to_first_token';

/**
 * TTFT from `gen_ai.server.time_to_first_token`, a key the OTel GenAI conventions define only as
 * a metric (in seconds) and that instrumentations set on spans in different units: OpenLIT
 * writes seconds, Strands Agents writes its `timeToFirstByteMs` in milliseconds. The unit is
 * told by the emitting instrumentation (its scope name, or Strands' `gen_ai.system`), and the
 * rule says which was assumed.
 */
export function readServerTtft(d: CallDraft): void {
  if (!d.has(KEY) || (d.fields.ttftMs !== undefined && d.fields.ttftMs !== null)) return;
  // OpenLIT writes the whole request's time here when nothing was streamed: that is no first token.
  if (d.get('gen_ai.request.stream') === false || d.fields.operation === 'embeddings') return;
  const value = asNumber(d.get(KEY));
  if (value === null || value < 0) return;
  const scope = d.span.scope.name;
  const unit = serverTtftUnit(scope, asString(d.get('gen_ai.system')) ?? asString(d.get('gen_ai.provider.name')));
  const rule = `${KEY} (${unit.unit}: ${unit.why})`;
  d.set('ttftMs', unit.unit === 'ms' ? value : value * 1000, rule);
}

/** The unit an instrumentation writes `gen_ai.server.time_to_first_token` in, and why we think so. */
export function serverTtftUnit(scope: string, system: string | null): { unit: 's' | 'ms'; why: string } {
  const name = scope.toLowerCase();
  if (name.startsWith('strands')) return { unit: 'ms', why: `Strands Agents (scope "${scope}") writes milliseconds` };
  if (system === 'strands-agents') return { unit: 'ms', why: 'Strands Agents (gen_ai.system) writes milliseconds' };
  if (name.startsWith('openlit')) return { unit: 's', why: `OpenLIT (scope "${scope}") writes seconds` };
  return { unit: 's', why: `assumed seconds, the OTel metric's unit (scope "${scope}")` };
}
