import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatCost, formatDuration, formatTokens } from "../lib/format";
import { PALETTE, type SeriesRow } from "../lib/series";

const axis = { stroke: "#5b6478", fontSize: 11 };
const tooltipStyle = { background: "#151a24", border: "1px solid #2a3242", borderRadius: 6, color: "#e6e9ef" };

function tickTime(bucketMs: number) {
  return (t: number) => {
    const d = new Date(t);
    return bucketMs >= 86_400_000
      ? d.toLocaleDateString(undefined, { month: "short", day: "numeric" })
      : d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  };
}

/** Cost per time bucket, stacked by model. */
export function CostChart({ rows, models, bucketMs, height = 240 }: { rows: SeriesRow[]; models: string[]; bucketMs: number; height?: number }) {
  return (
    <ResponsiveContainer width="100%" height={height}>
      <BarChart data={rows as Record<string, number>[]} margin={{ top: 8, right: 12, left: 0, bottom: 0 }}>
        <CartesianGrid stroke="#222a38" vertical={false} />
        <XAxis dataKey="t" tickFormatter={tickTime(bucketMs)} minTickGap={24} {...axis} />
        <YAxis tickFormatter={(v: number) => formatCost(v)} width={64} {...axis} />
        <Tooltip contentStyle={tooltipStyle} labelFormatter={(t) => new Date(Number(t)).toLocaleString()} formatter={(v) => formatCost(Number(v))} cursor={{ fill: "#ffffff10" }} />
        {models.length > 1 && <Legend wrapperStyle={{ fontSize: 12 }} />}
        {(models.length ? models : ["cost"]).map((m, i) => (
          <Bar
            key={m}
            dataKey={(row: Record<string, number>) => row[models.length ? `m:${m}` : "cost"] ?? 0}
            name={m}
            stackId="cost"
            fill={PALETTE[i % PALETTE.length]}
            isAnimationActive={false}
          />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}

export function CountChart({ rows, dataKey, name, bucketMs, color = PALETTE[0]!, height = 200, tokens = false }: { rows: SeriesRow[]; dataKey: string; name: string; bucketMs: number; color?: string; height?: number; tokens?: boolean }) {
  return (
    <ResponsiveContainer width="100%" height={height}>
      <BarChart data={rows as Record<string, number>[]} margin={{ top: 8, right: 12, left: 0, bottom: 0 }}>
        <CartesianGrid stroke="#222a38" vertical={false} />
        <XAxis dataKey="t" tickFormatter={tickTime(bucketMs)} minTickGap={24} {...axis} />
        <YAxis allowDecimals={false} tickFormatter={(v: number) => (tokens ? formatTokens(v) : String(v))} width={48} {...axis} />
        <Tooltip contentStyle={tooltipStyle} labelFormatter={(t) => new Date(Number(t)).toLocaleString()} formatter={(v) => (tokens ? formatTokens(Number(v)) : Number(v).toLocaleString())} cursor={{ fill: "#ffffff10" }} />
        <Bar dataKey={dataKey} name={name} fill={color} isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
}

export interface TraceBucket {
  t: number;
  ok: number;
  errors: number;
  p95: number;
}

/** Traces per bucket, failed ones stacked in red. */
export function TracesChart({ rows, bucketMs, height = 180 }: { rows: TraceBucket[]; bucketMs: number; height?: number }) {
  return (
    <ResponsiveContainer width="100%" height={height}>
      <BarChart data={rows} margin={{ top: 8, right: 12, left: 0, bottom: 0 }}>
        <CartesianGrid stroke="#222a38" vertical={false} />
        <XAxis dataKey="t" tickFormatter={tickTime(bucketMs)} minTickGap={24} {...axis} />
        <YAxis allowDecimals={false} width={48} {...axis} />
        <Tooltip contentStyle={tooltipStyle} labelFormatter={(t) => new Date(Number(t)).toLocaleString()} cursor={{ fill: "#ffffff10" }} />
        <Legend wrapperStyle={{ fontSize: 12 }} />
        <Bar dataKey="ok" name="ok" stackId="t" fill="#34d399" isAnimationActive={false} />
        <Bar dataKey="errors" name="failed" stackId="t" fill="#f87171" isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
}

export function LatencyChart({ rows, bucketMs, height = 160 }: { rows: TraceBucket[]; bucketMs: number; height?: number }) {
  return (
    <ResponsiveContainer width="100%" height={height}>
      <LineChart data={rows} margin={{ top: 8, right: 12, left: 0, bottom: 0 }}>
        <CartesianGrid stroke="#222a38" vertical={false} />
        <XAxis dataKey="t" tickFormatter={tickTime(bucketMs)} minTickGap={24} {...axis} />
        <YAxis tickFormatter={(v: number) => formatDuration(v)} width={56} {...axis} />
        <Tooltip contentStyle={tooltipStyle} labelFormatter={(t) => new Date(Number(t)).toLocaleString()} formatter={(v) => formatDuration(Number(v))} />
        <Line dataKey="p95" name="p95 latency" stroke="#fbbf24" dot={false} strokeWidth={2} isAnimationActive={false} />
      </LineChart>
    </ResponsiveContainer>
  );
}
