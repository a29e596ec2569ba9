import type { JsonValue, Message, MessagePart } from '../api/types';
import { jsonInText } from '../lib/json-text';
import { Fold } from './fold';
import { JsonView } from './json-view';
import { MessageText } from './message-text';

/** Text of a part's content: strings as they are, anything else as JSON. */
function textOf(v: JsonValue | undefined): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : JSON.stringify(v, null, 2);
}

function Part({ part }: { part: MessagePart }) {
  switch (part.type) {
    case 'text': {
      const text = textOf(part.content);
      return (
        <Fold text={text}>
          <MessageText text={text} />
        </Fold>
      );
    }
    case 'reasoning':
      return (
        <div className="muted">
          <div className="faint">Reasoning</div>
          <Fold text={textOf(part.content)} limit={300} />
        </div>
      );
    case 'tool_call':
      return (
        <div className="tool-call">
          <div>
            <strong>{textOf(part.name) || 'tool call'}</strong> <span className="faint mono">{textOf(part.id)}</span>
          </div>
          {part.arguments !== undefined ? (
            <div className="json">
              <JsonView value={part.arguments} openDepth={3} />
            </div>
          ) : null}
        </div>
      );
    case 'tool_call_response': {
      // A result sent as a string of JSON is shown as structure, as the call's arguments are.
      const structured = typeof part.response === 'string' ? jsonInText(part.response) : (part.response ?? null);
      return (
        <div className="tool-call">
          <div className="faint">
            Result of <span className="mono">{textOf(part.id) || 'tool call'}</span>
          </div>
          {structured === undefined ? (
            <Fold text={part.response as string} />
          ) : (
            <div className="json">
              <JsonView value={structured} openDepth={3} />
            </div>
          )}
        </div>
      );
    }
    default: {
      const { type, ...rest } = part;
      return (
        <div>
          <span className="badge">{type}</span>
          <div className="json">
            <JsonView value={rest as JsonValue} openDepth={1} />
          </div>
        </div>
      );
    }
  }
}

/** Messages by role — system, user, assistant, tool — each part as text, tool call or result. */
export function Conversation({ messages, label }: { messages: readonly Message[]; label?: string }) {
  return (
    <div>
      {label ? <div className="section-title">{label}</div> : null}
      {messages.map((m, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: messages are positional.
        <div key={i} className={`message ${m.role}`}>
          <div className="message-head">
            {m.role}
            {m.finish_reason ? <span className="faint">finish: {m.finish_reason}</span> : null}
          </div>
          <div className="message-body">
            {m.parts.length === 0 ? <span className="faint">(no content)</span> : null}
            {m.parts.map((p, j) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: parts are positional.
              <Part key={j} part={p} />
            ))}
          </div>
        </div>
      ))}
    </div>
  );
}
