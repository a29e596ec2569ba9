/**
 * The class of a column a narrow window leaves out (`wide-only`), or '' while the list is sorted
 * by it: the figures a list is sorted by stay in view.
 */
export function wideOnly(order: string, field: string): string {
  return order.split(':')[0] === field ? '' : 'wide-only';
}

/** A column header that sorts the list by `field`; the current order is `order` ("field:dir"). */
export function SortHeader({
  label,
  field,
  order,
  onSort,
  numeric,
  title,
  className,
}: {
  label: string;
  field: string;
  order: string;
  onSort: (order: string) => void;
  numeric?: boolean;
  title?: string;
  /** More classes for the header cell (`wide-only`: hidden in a narrow window). */
  className?: string;
}) {
  const [current, dir] = order.split(':');
  const active = current === field;
  const next = active && dir === 'desc' ? `${field}:asc` : `${field}:desc`;
  return (
    <th
      className={`${numeric ? 'num' : ''} ${className ?? ''}`.trim() || undefined}
      aria-sort={active ? (dir === 'asc' ? 'ascending' : 'descending') : 'none'}
      title={title}
    >
      <button type="button" className="sort" onClick={() => onSort(next)}>
        {label} {active ? dir === 'asc' ? '↑' : '↓' : <span className="faint">↕</span>}
      </button>
    </th>
  );
}
