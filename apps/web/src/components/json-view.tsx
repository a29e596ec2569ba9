import { useState } from 'react';
import type { JsonValue } from '../api/types';
import { Fold } from './fold';
import { Highlighted } from './highlighted';

/** Strings that hold JSON (as many instrumentations store messages) are shown parsed. */
function parsedJson(s: string): JsonValue | undefined {
  const t = s.trim();
  if (!(t.startsWith('{') || t.startsWith('[')) || t.length > 1_000_000) return undefined;
  try {
    return JSON.parse(t) as JsonValue;
  } catch {
    return undefined;
  }
}

/** Pretty-printed JSON with collapsible objects and arrays; every value is text, never markup. */
export function JsonView({ value, depth = 0, openDepth = 2 }: { value: JsonValue; depth?: number; openDepth?: number }) {
  if (value === null) return <span className="lit">null</span>;
  if (typeof value === 'boolean') return <span className="lit">{String(value)}</span>;
  if (typeof value === 'number') return <span className="num-v">{String(value)}</span>;
  if (typeof value === 'string') {
    const nested = parsedJson(value);
    if (nested !== undefined && typeof nested === 'object' && nested !== null)
      return <JsonView value={nested} depth={depth} openDepth={openDepth} />;
    return (
      <span className="str">
        <Highlighted text={JSON.stringify(value)} />
      </span>
    );
  }
  return <Collapsible value={value} depth={depth} openDepth={openDepth} />;
}

function Collapsible({ value, depth, openDepth }: { value: JsonValue[] | { [k: string]: JsonValue }; depth: number; openDepth: number }) {
  const entries: [string | null, JsonValue][] = Array.isArray(value) ? value.map((v) => [null, v]) : Object.entries(value);
  const [open, setOpen] = useState(depth < openDepth || entries.length <= 3);
  const [openBracket, closeBracket] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) return <span>{openBracket + closeBracket}</span>;
  const pad = '  '.repeat(depth + 1);
  return (
    <span>
      <button type="button" className="caret" onClick={() => setOpen(!open)} aria-label={open ? 'Collapse' : 'Expand'}>
        {open ? '▾' : '▸'}
      </button>
      {openBracket}
      {open ? (
        <>
          {entries.map(([k, v], i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: entries are positional.
            <span key={i}>
              {'\n'}
              {pad}
              {k !== null ? (
                <>
                  <span className="key">{JSON.stringify(k)}</span>
                  {': '}
                </>
              ) : null}
              <JsonView value={v} depth={depth + 1} openDepth={openDepth} />
              {i < entries.length - 1 ? ',' : ''}
            </span>
          ))}
          {'\n'}
          {'  '.repeat(depth)}
        </>
      ) : (
        <span className="faint">
          {' '}
          {entries.length} {Array.isArray(value) ? 'items' : 'keys'}{' '}
        </span>
      )}
      {closeBracket}
    </span>
  );
}

/** An attribute value for a key/value table: text as text (folded when long), anything else as JSON. */
export function ValueView({ value }: { value: JsonValue }) {
  if (typeof value === 'string') {
    const nested = parsedJson(value);
    if (nested !== undefined && typeof nested === 'object' && nested !== null)
      return (
        <div className="json">
          <JsonView value={nested} openDepth={1} />
        </div>
      );
    return <Fold text={value} limit={400} />;
  }
  return (
    <div className="json">
      <JsonView value={value} openDepth={1} />
    </div>
  );
}
