// Server state through TanStack Query.

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { del, get, post, type Params } from "../lib/api";
import type { Alert, CostSeries, Page, Project, ProjectWithKey, SessionDetail, Session, Summary, TimeSeries, Trace, TraceDetail, SpanDetail } from "../lib/types";

export const keys = {
  projects: ["projects"] as const,
  traces: (p: Params) => ["traces", p] as const,
  trace: (id: string) => ["trace", id] as const,
  span: (id: string) => ["span", id] as const,
  sessions: (p: Params) => ["sessions", p] as const,
  session: (id: string) => ["session", id] as const,
  alerts: (p: Params) => ["alerts", p] as const,
  cost: (p: Params) => ["cost", p] as const,
  summary: (p: Params) => ["summary", p] as const,
  timeseries: (p: Params) => ["timeseries", p] as const,
};

export function useProjects() {
  return useQuery({
    queryKey: keys.projects,
    queryFn: ({ signal }) => get<{ items: Project[] }>("/projects", undefined, signal).then((r) => r.items),
    staleTime: 30_000,
  });
}

export function useCreateProject() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => post<ProjectWithKey>("/projects", { name }),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.projects }),
  });
}

export function useRotateKey() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => post<ProjectWithKey>(`/projects/${encodeURIComponent(id)}/rotate-key`),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.projects }),
  });
}

export function useDeleteProject() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => del(`/projects/${encodeURIComponent(id)}`),
    onSuccess: () => qc.invalidateQueries(),
  });
}

export function useTraces(params: Params, opts: { refetchInterval?: number } = {}) {
  return useQuery({
    queryKey: keys.traces(params),
    queryFn: ({ signal }) => get<Page<Trace>>("/traces", params, signal),
    placeholderData: keepPreviousData,
    refetchInterval: opts.refetchInterval ?? 30_000,
  });
}

export function useTrace(id: string | undefined, projectId = "") {
  return useQuery({
    queryKey: [...keys.trace(id ?? ""), projectId],
    queryFn: ({ signal }) => get<TraceDetail>(`/traces/${encodeURIComponent(id!)}`, { project_id: projectId || undefined }, signal),
    enabled: !!id,
    staleTime: 10_000,
  });
}

export function useSpan(id: string | undefined, projectId = "") {
  return useQuery({
    queryKey: [...keys.span(id ?? ""), projectId],
    queryFn: ({ signal }) => get<SpanDetail>(`/spans/${encodeURIComponent(id!)}`, { project_id: projectId || undefined }, signal),
    enabled: !!id,
    staleTime: 10_000,
  });
}

export function useSessions(params: Params) {
  return useQuery({
    queryKey: keys.sessions(params),
    queryFn: ({ signal }) => get<Page<Session>>("/sessions", params, signal),
    placeholderData: keepPreviousData,
  });
}

export function useSession(id: string | undefined) {
  return useQuery({
    queryKey: keys.session(id ?? ""),
    queryFn: ({ signal }) => get<SessionDetail>(`/sessions/${encodeURIComponent(id!)}`, undefined, signal),
    enabled: !!id,
  });
}

export function useAlerts(params: Params) {
  return useQuery({
    queryKey: keys.alerts(params),
    queryFn: ({ signal }) => get<Page<Alert>>("/security/alerts", params, signal),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  });
}

export function useCost(params: Params) {
  return useQuery({
    queryKey: keys.cost(params),
    queryFn: ({ signal }) => get<CostSeries>("/analytics/cost", params, signal),
    placeholderData: keepPreviousData,
  });
}

export function useSummary(params: Params) {
  return useQuery({
    queryKey: keys.summary(params),
    queryFn: ({ signal }) => get<Summary>("/analytics/summary", params, signal),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  });
}

/** Traces, errors, latency, tokens, cost and alerts per bucket: one request for the whole range. */
export function useTimeSeries(params: Params) {
  return useQuery({
    queryKey: keys.timeseries(params),
    queryFn: ({ signal }) => get<TimeSeries>("/analytics/timeseries", params, signal),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  });
}
