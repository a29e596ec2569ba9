/** A column header that sorts the list by `field`; the current order is `order` ("field:dir"). */
export function SortHeader({
  label,
  field,
  order,
  onSort,
  numeric,
  title,
}: {
  label: string;
  field: string;
  order: string;
  onSort: (order: string) => void;
  numeric?: boolean;
  title?: string;
}) {
  const [current, dir] = order.split(':');
  const active = current === field;
  const next = active && dir === 'desc' ? `${field}:asc` : `${field}:desc`;
  return (
    <th className={numeric ? 'num' : undefined} aria-sort={active ? (dir === 'asc' ? 'ascending' : 'descending') : 'none'} title={title}>
      <button type="button" className="sort" onClick={() => onSort(next)}>
        {label} {active ? dir === 'asc' ? '↑' : '↓' : <span className="faint">↕</span>}
      </button>
    </th>
  );
}
