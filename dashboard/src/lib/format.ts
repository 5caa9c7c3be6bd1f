// Formatting of durations, costs, token counts and times.

/** A duration in milliseconds: "850µs", "4.5ms", "450ms", "1.2s", "2m 30s", "1h 5m". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms) || ms < 0) return "—";
  if (ms === 0) return "0ms";
  if (ms < 1) return `${Math.round(ms * 1000)}µs`;
  if (ms < 10) return `${trim(ms.toFixed(1))}ms`;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) {
    const s = ms / 1000;
    return `${trim(s < 10 ? s.toFixed(2) : s.toFixed(1))}s`;
  }
  const totalS = Math.round(ms / 1000);
  if (totalS < 3600) {
    const m = Math.floor(totalS / 60);
    const s = totalS % 60;
    return s ? `${m}m ${s}s` : `${m}m`;
  }
  const totalM = Math.round(totalS / 60);
  const h = Math.floor(totalM / 60);
  const m = totalM % 60;
  return m ? `${h}h ${m}m` : `${h}h`;
}

/** A cost in US dollars: "$0", "<$0.0001", "$0.0042", "$0.42", "$12.35", "$1,234". */
export function formatCost(usd: number | null | undefined): string {
  if (usd == null || !Number.isFinite(usd)) return "—";
  if (usd === 0) return "$0";
  const sign = usd < 0 ? "-" : "";
  const v = Math.abs(usd);
  if (v < 0.0001) return `${sign}<$0.0001`;
  if (v < 0.01) return `${sign}$${trim(v.toFixed(4))}`;
  if (v < 1) return `${sign}$${trim(v.toFixed(3))}`;
  if (v < 1000) return `${sign}$${v.toFixed(2)}`;
  return `${sign}$${Math.round(v).toLocaleString("en-US")}`;
}

/** A token count: "950", "1.2k", "12k", "3.4M". */
export function formatTokens(n: number | null | undefined): string {
  if (n == null || !Number.isFinite(n)) return "—";
  const v = Math.abs(n);
  const sign = n < 0 ? "-" : "";
  if (v < 1000) return `${sign}${Math.round(v)}`;
  if (v < 10_000) return `${sign}${trim((v / 1000).toFixed(1))}k`;
  if (v < 999_500) return `${sign}${Math.round(v / 1000)}k`;
  if (v < 10_000_000) return `${sign}${trim((v / 1e6).toFixed(1))}M`;
  return `${sign}${Math.round(v / 1e6)}M`;
}

/** An integer with thousands separators. */
export function formatCount(n: number | null | undefined): string {
  if (n == null || !Number.isFinite(n)) return "—";
  return Math.round(n).toLocaleString("en-US");
}

/** A ratio 0..1 as a percentage. */
export function formatPercent(ratio: number | null | undefined): string {
  if (ratio == null || !Number.isFinite(ratio)) return "—";
  const p = ratio * 100;
  if (p === 0) return "0%";
  if (p < 0.1) return "<0.1%";
  return `${trim(p.toFixed(1))}%`;
}

// Building an Intl.DateTimeFormat is slow and formatTime/formatClock run for
// every table row and live-feed item on each render: one formatter per time zone.
function formatterCache(locale: string, opts: Intl.DateTimeFormatOptions): (timeZone?: string) => Intl.DateTimeFormat {
  const cache = new Map<string | undefined, Intl.DateTimeFormat>();
  return (timeZone) => {
    let f = cache.get(timeZone);
    if (!f) cache.set(timeZone, (f = new Intl.DateTimeFormat(locale, { ...opts, timeZone })));
    return f;
  };
}

const dateTimeFormat = formatterCache("en-CA", {
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

const clockFormat = formatterCache("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });

/** A time (RFC 3339 string, Date, or ns since epoch as a number) as "2026-11-26 14:20:05". */
export function formatTime(t: string | number | Date | null | undefined, timeZone?: string): string {
  const d = toDate(t);
  if (!d) return "—";
  const parts = dateTimeFormat(timeZone).formatToParts(d);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")} ${get("hour")}:${get("minute")}:${get("second")}`;
}

/** A short clock time "14:20:05.123". */
export function formatClock(t: string | number | Date | null | undefined, timeZone?: string): string {
  const d = toDate(t);
  if (!d) return "—";
  const s = clockFormat(timeZone).format(d);
  return `${s}.${String(d.getUTCMilliseconds()).padStart(3, "0")}`;
}

/** "just now", "5s ago", "3m ago", "2h ago", "4d ago" (or "in 5m" for the future). */
export function formatRelative(t: string | number | Date | null | undefined, now: Date = new Date()): string {
  const d = toDate(t);
  if (!d) return "—";
  const diff = now.getTime() - d.getTime();
  const future = diff < 0;
  const s = Math.abs(diff) / 1000;
  let out: string;
  if (s < 5) return "just now";
  if (s < 60) out = `${Math.floor(s)}s`;
  else if (s < 3600) out = `${Math.floor(s / 60)}m`;
  else if (s < 86400) out = `${Math.floor(s / 3600)}h`;
  else out = `${Math.floor(s / 86400)}d`;
  return future ? `in ${out}` : `${out} ago`;
}

/** Accepts an RFC 3339 string, a Date, ms since epoch (< 1e14) or ns since epoch. */
export function toDate(t: string | number | Date | null | undefined): Date | null {
  if (t == null || t === "") return null;
  if (t instanceof Date) return Number.isNaN(t.getTime()) ? null : t;
  if (typeof t === "number") {
    if (!Number.isFinite(t) || t <= 0) return null;
    return new Date(t > 1e14 ? t / 1e6 : t);
  }
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function shortId(id: string, n = 8): string {
  return id.length > n ? id.slice(0, n) : id;
}

function trim(s: string): string {
  return s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
}

/** "1 trace", "2 traces", "1,234 traces". */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${formatCount(n)} ${n === 1 ? word : many}`;
}
