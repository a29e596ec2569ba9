import { forwardRef } from 'react';
import { SearchIcon } from './icons';

/** A search field with its icon; `label` names it for screen readers. */
export const SearchBox = forwardRef<
  HTMLInputElement,
  {
    value: string;
    onChange: (v: string) => void;
    placeholder: string;
    label: string;
    width?: number;
    onKeyDown?: React.KeyboardEventHandler;
  }
>(function SearchBox({ value, onChange, placeholder, label, width, onKeyDown }, ref) {
  return (
    <span className="search-wrap">
      <SearchIcon />
      <input
        ref={ref}
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
});
