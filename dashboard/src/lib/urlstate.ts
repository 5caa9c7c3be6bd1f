// Filters live in the query string, so every view has a shareable URL.

import { useCallback, useMemo } from "react";
import { useSearchParams } from "react-router";

export function useQueryState(): [URLSearchParams, (patch: Record<string, string | number | boolean | null | undefined>, opts?: { replace?: boolean; keepPage?: boolean }) => void] {
  const [params, setParams] = useSearchParams();
  const update = useCallback(
    (patch: Record<string, string | number | boolean | null | undefined>, opts?: { replace?: boolean; keepPage?: boolean }) => {
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          for (const [k, v] of Object.entries(patch)) {
            if (v === undefined || v === null || v === "" || v === false) next.delete(k);
            else next.set(k, String(v));
          }
          if (!opts?.keepPage && !("page" in patch)) next.delete("page");
          return next;
        },
        { replace: opts?.replace },
      );
    },
    [setParams],
  );
  return [params, update];
}

/** The selected project (?project=), "" for all of the user's projects. */
export function useProjectId(): string {
  const [params] = useSearchParams();
  return params.get("project") ?? "";
}

/** A link target keeping the selected project. */
export function useProjectLink(): (path: string, extra?: Record<string, string | undefined>) => string {
  const project = useProjectId();
  return useMemo(
    () => (path: string, extra?: Record<string, string | undefined>) => {
      const [base, qs] = path.split("?", 2);
      const q = new URLSearchParams(qs ?? "");
      if (project && !q.has("project")) q.set("project", project);
      for (const [k, v] of Object.entries(extra ?? {})) if (v) q.set(k, v);
      const s = q.toString();
      return s ? `${base}?${s}` : (base ?? path);
    },
    [project],
  );
}

export type RangeKey = "15m" | "1h" | "6h" | "24h" | "7d" | "30d";

export const RANGES: { key: RangeKey; label: string; ms: number }[] = [
  { key: "15m", label: "15 min", ms: 15 * 60_000 },
  { key: "1h", label: "1 hour", ms: 3_600_000 },
  { key: "6h", label: "6 hours", ms: 6 * 3_600_000 },
  { key: "24h", label: "24 hours", ms: 24 * 3_600_000 },
  { key: "7d", label: "7 days", ms: 7 * 24 * 3_600_000 },
  { key: "30d", label: "30 days", ms: 30 * 24 * 3_600_000 },
];

export function rangeMs(key: string | null | undefined, fallback: RangeKey = "24h"): number {
  return (RANGES.find((r) => r.key === key) ?? RANGES.find((r) => r.key === fallback)!).ms;
}

/** A range's start and end as RFC 3339, with end rounded up to the minute so query keys stay stable. */
export function rangeBounds(key: string | null | undefined, fallback: RangeKey = "24h", now = Date.now()): { start: string; end: string; ms: number } {
  const ms = rangeMs(key, fallback);
  const end = Math.ceil(now / 60_000) * 60_000;
  return { start: new Date(end - ms).toISOString(), end: new Date(end).toISOString(), ms };
}

/** The start of the range a ?range= key names, rounded like rangeBounds so query keys stay stable; undefined (all time) when it names none. */
export function rangeStart(key: string | null | undefined, now = Date.now()): string | undefined {
  return RANGES.some((r) => r.key === key) ? rangeBounds(key, undefined, now).start : undefined;
}
