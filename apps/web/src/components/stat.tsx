import type { ReactNode } from 'react';

/** A labelled figure in a summary strip; `title` holds the exact value. */
export function Stat({ label, value, title }: { label: string; value: ReactNode; title?: string }) {
  return (
    <div className="stat" title={title}>
      <span className="label">{label}</span>
      <span className="value">{value}</span>
    </div>
  );
}
