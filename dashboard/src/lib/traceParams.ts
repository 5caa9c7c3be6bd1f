import type { Params } from "./api";
import { rangeStart } from "./urlstate";

/** The API parameters of the trace list, from the page's query string. */
export function traceParamsFrom(params: URLSearchParams, now = Date.now()): Params {
  const out: Params = { page_size: 50 };
  for (const k of ["project_id", "status", "service", "name", "model", "min_duration_ms", "min_cost", "has_alerts", "q", "sort", "order", "page", "start", "end"]) {
    const v = params.get(k);
    if (v) out[k] = v;
  }
  const project = params.get("project");
  if (project) out.project_id = project;
  if (!out.start) {
    const start = rangeStart(params.get("range"), now);
    if (start) out.start = start;
  }
  return out;
}
