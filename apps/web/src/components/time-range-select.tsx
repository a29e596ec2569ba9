import { RANGES, type RangeValue } from '../lib/time-range';

export function TimeRangeSelect({ value, onChange }: { value: RangeValue; onChange: (v: RangeValue) => void }) {
  return (
    <select className="select" aria-label="Time range" value={value} onChange={(e) => onChange(e.target.value as RangeValue)}>
      {RANGES.map((r) => (
        <option key={r.value} value={r.value}>
          {r.label}
        </option>
      ))}
    </select>
  );
}
