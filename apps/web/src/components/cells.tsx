import { exactCost, exactTime, formatAgo, formatCost, formatTime } from '../lib/format';

/** A table cell with a time and how long ago it was; the exact time on hover. */
export function TimeCell({ iso }: { iso: string }) {
  return (
    <td title={exactTime(iso)}>
      <div className="cell-main">
        <span>{formatTime(iso)}</span>
        <span className="sub">{formatAgo(iso)}</span>
      </div>
    </td>
  );
}

/** A right-aligned cost; the exact figure on hover. */
export function CostCell({ usd }: { usd: number | null }) {
  return (
    <td className="num" title={exactCost(usd)}>
      {formatCost(usd)}
    </td>
  );
}

/** A right-aligned error count, red when there are any. */
export function ErrorCountCell({ count }: { count: number }) {
  return <td className="num">{count ? <span className="badge error">{count}</span> : <span className="faint">0</span>}</td>;
}

/** The one row of a table with nothing in it, saying why. */
export function EmptyRow({ cols, children }: { cols: number; children: string }) {
  return (
    <tr>
      <td colSpan={cols} className="muted" style={{ textAlign: 'center', padding: 30 }}>
        {children}
      </td>
    </tr>
  );
}
