import { ArrowOutIcon, BoxIcon, QueueIcon, ServerIcon, SparkIcon, ToolIcon } from './icons';

const KIND_NAMES = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];

/** What a span is, at a glance: an LLM call, a tool, or its OTel kind. */
export function spanRole(kind: number, isCall: boolean, name: string): { icon: 'llm' | 'tool' | 'kind'; label: string } {
  if (isCall) return { icon: 'llm', label: 'LLM call' };
  if (/\b(tool|execute_tool|function)\b/i.test(name)) return { icon: 'tool', label: 'tool' };
  return { icon: 'kind', label: KIND_NAMES[kind] ?? 'span' };
}

export function KindIcon({ kind, isCall, name, error }: { kind: number; isCall: boolean; name: string; error?: boolean }) {
  const role = spanRole(kind, isCall, name);
  const cls = role.icon === 'llm' ? 'llm' : role.icon === 'tool' ? 'tool' : error ? 'error' : '';
  return (
    <span className={`kind-icon ${cls}`} title={role.label} role="img" aria-label={role.label}>
      {role.icon === 'llm' ? (
        <SparkIcon />
      ) : role.icon === 'tool' ? (
        <ToolIcon />
      ) : kind === 2 ? (
        <ServerIcon />
      ) : kind === 3 ? (
        <ArrowOutIcon />
      ) : kind === 4 || kind === 5 ? (
        <QueueIcon />
      ) : (
        <BoxIcon />
      )}
    </span>
  );
}
