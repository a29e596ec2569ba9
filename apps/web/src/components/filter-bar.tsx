import { useEffect, useLayoutEffect, useRef, useState } from 'react';

/** A filter the list pages know: its URL/API parameter and how it is shown. */
export interface FilterField {
  readonly key: string;
  readonly label: string;
  /** Values to suggest while typing. */
  readonly suggestions?: readonly string[];
  readonly placeholder?: string;
}

/** Active filters as removable chips, and a popover to add one. */
export function FilterBar({
  fields,
  values,
  attributes,
  onChange,
}: {
  fields: readonly FilterField[];
  values: Record<string, string | undefined>;
  /** `key=value` (or `key=op:value`) attribute conditions, when the page takes them. */
  attributes?: readonly string[];
  onChange: (change: { set?: Record<string, string | undefined>; attributes?: string[] }) => void;
}) {
  const [open, setOpen] = useState(false);
  const active = fields.filter((f) => values[f.key] !== undefined);
  return (
    <>
      {active.map((f) => (
        <span key={f.key} className="chip" title={`${f.label}: ${values[f.key]}`}>
          <span>
            {f.label}: <strong>{values[f.key]}</strong>
          </span>
          <button type="button" aria-label={`Remove ${f.label} filter`} onClick={() => onChange({ set: { [f.key]: undefined } })}>
            ×
          </button>
        </span>
      ))}
      {(attributes ?? []).map((a) => (
        <span key={a} className="chip" title={a}>
          <span className="mono">{a}</span>
          <button
            type="button"
            aria-label={`Remove filter ${a}`}
            onClick={() => onChange({ attributes: (attributes ?? []).filter((x) => x !== a) })}
          >
            ×
          </button>
        </span>
      ))}
      <span style={{ position: 'relative' }}>
        <button type="button" className="btn" onClick={() => setOpen(!open)} aria-expanded={open}>
          + Filter
        </button>
        {open ? (
          <AddFilter
            fields={fields}
            withAttributes={attributes !== undefined}
            onClose={() => setOpen(false)}
            onAdd={(key, value) => {
              setOpen(false);
              if (key === '__attr') onChange({ attributes: [...(attributes ?? []), value] });
              else onChange({ set: { [key]: value } });
            }}
          />
        ) : null}
      </span>
    </>
  );
}

function AddFilter({
  fields,
  withAttributes,
  onAdd,
  onClose,
}: {
  fields: readonly FilterField[];
  withAttributes: boolean;
  onAdd: (key: string, value: string) => void;
  onClose: () => void;
}) {
  const [key, setKey] = useState(fields[0]?.key ?? '__attr');
  const [value, setValue] = useState('');
  const [attrKey, setAttrKey] = useState('');
  const ref = useRef<HTMLFormElement>(null);
  // Opened near the window's right edge (a narrow window), it opens leftwards instead of past it.
  const [leftwards, setLeftwards] = useState(false);
  useLayoutEffect(() => {
    const box = ref.current?.getBoundingClientRect();
    if (box && box.right > document.documentElement.clientWidth - 8) setLeftwards(true);
  }, []);
  useEffect(() => {
    const away = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) onClose();
    };
    const esc = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    document.addEventListener('mousedown', away);
    document.addEventListener('keydown', esc);
    return () => {
      document.removeEventListener('mousedown', away);
      document.removeEventListener('keydown', esc);
    };
  }, [onClose]);
  const field = fields.find((f) => f.key === key);
  const listId = `suggest-${key}`;
  return (
    <form
      ref={ref}
      className={leftwards ? 'popover leftwards' : 'popover'}
      onSubmit={(e) => {
        e.preventDefault();
        if (key === '__attr') {
          if (attrKey.trim()) onAdd('__attr', value.trim() ? `${attrKey.trim()}=${value.trim()}` : `${attrKey.trim()}=exists:`);
        } else if (value.trim()) onAdd(key, value.trim());
      }}
    >
      <label>
        Field
        <select className="select" value={key} onChange={(e) => setKey(e.target.value)}>
          {fields.map((f) => (
            <option key={f.key} value={f.key}>
              {f.label}
            </option>
          ))}
          {withAttributes ? <option value="__attr">Attribute…</option> : null}
        </select>
      </label>
      {key === '__attr' ? (
        <label>
          Attribute key
          <input className="input" value={attrKey} onChange={(e) => setAttrKey(e.target.value)} placeholder="gen_ai.request.model" />
        </label>
      ) : null}
      <label>
        {key === '__attr' ? 'Value (empty: the attribute is present; gt:1000, contains:text)' : 'Value'}
        <input
          className="input"
          // biome-ignore lint/a11y/noAutofocus: the popover opens to type a value.
          autoFocus
          value={value}
          list={field?.suggestions?.length ? listId : undefined}
          onChange={(e) => setValue(e.target.value)}
          placeholder={field?.placeholder}
        />
        {field?.suggestions?.length ? (
          <datalist id={listId}>
            {field.suggestions.map((s) => (
              <option key={s} value={s} />
            ))}
          </datalist>
        ) : null}
      </label>
      <div style={{ display: 'flex', gap: 8, justifyContent: 'flex-end' }}>
        <button type="button" className="btn" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className="btn primary">
          Apply
        </button>
      </div>
    </form>
  );
}
