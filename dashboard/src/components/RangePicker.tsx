import { RANGES, useQueryState, type RangeKey } from "../lib/urlstate";

export function RangePicker({ fallback = "24h" }: { fallback?: RangeKey }) {
  const [params, update] = useQueryState();
  const current = params.get("range") ?? fallback;
  return (
    <div className="segmented" role="group" aria-label="Time range">
      {RANGES.map((r) => (
        <button key={r.key} type="button" className={current === r.key ? "seg active" : "seg"} onClick={() => update({ range: r.key === fallback ? null : r.key })}>
          {r.key}
        </button>
      ))}
    </div>
  );
}

/** A range select whose empty value is all time, for lists that are not limited to a range by default. */
export function RangeSelect(props: React.SelectHTMLAttributes<HTMLSelectElement>) {
  return (
    <select {...props}>
      <option value="">All time</option>
      {RANGES.map((r) => (
        <option key={r.key} value={r.key}>
          Last {r.label}
        </option>
      ))}
    </select>
  );
}
