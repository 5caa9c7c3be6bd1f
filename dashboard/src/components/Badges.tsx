export function StatusBadge({ status }: { status: string }) {
  const err = status.toLowerCase() === "error";
  return <span className={`pill ${err ? "pill-error" : "pill-ok"}`}>{err ? "error" : "ok"}</span>;
}

const SEVERITIES = ["critical", "high", "medium", "low", "info"];

export function severityRank(s: string): number {
  const i = SEVERITIES.indexOf(s.toLowerCase());
  return i < 0 ? SEVERITIES.length : i;
}

export function SeverityBadge({ severity }: { severity: string }) {
  const s = severity.toLowerCase() || "info";
  return <span className={`pill sev-${SEVERITIES.includes(s) ? s : "info"}`}>{s}</span>;
}

export function Card({ label, value, hint, tone }: { label: string; value: React.ReactNode; hint?: React.ReactNode; tone?: "blue" | "red" | "green" | "purple" | "amber" }) {
  return (
    <div className={`card tone-${tone ?? "blue"}`} data-testid={`card-${label.toLowerCase().replace(/\s+/g, "-")}`}>
      <div className="card-label">{label}</div>
      <div className="card-value">{value}</div>
      {hint && <div className="card-hint">{hint}</div>}
    </div>
  );
}

/** One figure of a detail page's summary row. */
export function Stat({ label, value, tone }: { label: string; value: React.ReactNode; tone?: "red" | "amber" }) {
  return (
    <div className={`stat${tone ? ` tone-${tone}` : ""}`}>
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
    </div>
  );
}

export function Pagination({ page, totalPages, total, onPage }: { page: number; totalPages: number; total: number; onPage: (p: number) => void }) {
  if (total === 0) return null;
  return (
    <div className="pagination">
      <button type="button" className="btn small" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        ← Previous
      </button>
      <span className="muted">
        Page {page} of {Math.max(1, totalPages)} · {total.toLocaleString("en-US")} total
      </span>
      <button type="button" className="btn small" disabled={page >= totalPages} onClick={() => onPage(page + 1)}>
        Next →
      </button>
    </div>
  );
}
