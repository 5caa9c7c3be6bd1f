import { useEffect, useState } from "react";
import { useNavigate } from "react-router";
import { useProjectLink, useQueryState } from "../lib/urlstate";
import { RangeSelect } from "./RangePicker";
export { traceParamsFrom } from "../lib/traceParams";

const TEXT_FIELDS = ["q", "service", "name", "model", "min_duration_ms", "min_cost"] as const;

export function TraceFilters() {
  const [params, update] = useQueryState();
  const [draft, setDraft] = useState<Record<string, string>>({});
  const key = params.toString();
  useEffect(() => {
    setDraft(Object.fromEntries(TEXT_FIELDS.map((f) => [f, params.get(f) ?? ""])));
  }, [key]);

  const navigate = useNavigate();
  const link = useProjectLink();
  const apply = () => {
    const q = draft.q?.trim() ?? "";
    // Search matches span names; a pasted trace id opens the trace.
    if (/^[0-9a-f]{32}$/i.test(q)) {
      navigate(link(`/traces/${q.toLowerCase()}`));
      return;
    }
    update(Object.fromEntries(TEXT_FIELDS.map((f) => [f, draft[f]?.trim() || null])));
  };
  const field = (name: (typeof TEXT_FIELDS)[number], label: string, props: React.InputHTMLAttributes<HTMLInputElement> = {}) => (
    <label className="field inline">
      <span>{label}</span>
      <input name={name} value={draft[name] ?? ""} onChange={(e) => setDraft({ ...draft, [name]: e.target.value })} {...props} />
    </label>
  );

  return (
    <form
      className="filters"
      onSubmit={(e) => {
        e.preventDefault();
        apply();
      }}
    >
      {field("q", "Search", { placeholder: "span name or trace id", type: "search", className: "wide" })}
      <label className="field inline">
        <span>Status</span>
        <select name="status" value={params.get("status") ?? ""} onChange={(e) => update({ status: e.target.value })}>
          <option value="">Any</option>
          <option value="ok">OK</option>
          <option value="error">Error</option>
        </select>
      </label>
      {field("service", "Service")}
      {field("name", "Name")}
      {field("model", "Model", { placeholder: "gpt-4o" })}
      <label className="field inline">
        <span>Time</span>
        <RangeSelect name="range" value={params.get("range") ?? ""} onChange={(e) => update({ range: e.target.value, start: null, end: null })} />
      </label>
      {field("min_duration_ms", "Min ms", { type: "number", min: 0, step: "any", className: "narrow" })}
      {field("min_cost", "Min $", { type: "number", min: 0, step: "any", className: "narrow" })}
      <label className="field inline check">
        <input type="checkbox" name="has_alerts" checked={params.get("has_alerts") === "true"} onChange={(e) => update({ has_alerts: e.target.checked ? "true" : null })} />
        <span>Has alerts</span>
      </label>
      <button type="submit" className="btn small primary">
        Apply
      </button>
    </form>
  );
}
