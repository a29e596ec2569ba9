import { SearchIcon } from './icons';

/** A search field with its icon; `label` names it for screen readers. `/` on any page goes to it (see useListKeys). */
export function SearchBox({
  value,
  onChange,
  placeholder,
  label,
  width,
  onKeyDown,
}: {
  value: string;
  onChange: (v: string) => void;
  placeholder: string;
  label: string;
  width?: number;
  onKeyDown?: React.KeyboardEventHandler;
}) {
  return (
    <span className="search-wrap">
      <SearchIcon />
      <input
        className="input search"
        style={width ? { width } : undefined}
        type="search"
        placeholder={placeholder}
        aria-label={label}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={onKeyDown}
      />
    </span>
  );
}
