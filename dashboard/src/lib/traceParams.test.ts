import { describe, expect, it } from "vitest";
import { traceParamsFrom } from "./traceParams";
import { rangeBounds } from "./urlstate";
import { backoffDelay, wsURL } from "../hooks/useLiveFeed";

describe("traceParamsFrom", () => {
  it("maps the page's query string to the API's filters", () => {
    const p = traceParamsFrom(new URLSearchParams("project=p1&status=error&model=gpt-4o&min_duration_ms=250&has_alerts=true&sort=cost&order=asc&page=3&q=agent&ignored=x"));
    expect(p).toEqual({ page_size: 50, project_id: "p1", status: "error", model: "gpt-4o", min_duration_ms: "250", has_alerts: "true", sort: "cost", order: "asc", page: "3", q: "agent" });
  });
  it("turns a relative range into a start time, and keeps an explicit start", () => {
    const now = Date.parse("2026-11-26T14:20:30Z");
    expect(traceParamsFrom(new URLSearchParams("range=1h"), now).start).toBe("2026-11-26T13:21:00.000Z");
    expect(traceParamsFrom(new URLSearchParams("range=1h&start=2026-01-01T00:00:00Z"), now).start).toBe("2026-01-01T00:00:00Z");
  });
});

describe("rangeBounds", () => {
  it("rounds the end up to the minute so query keys stay stable", () => {
    const now = Date.parse("2026-11-26T14:20:30Z");
    expect(rangeBounds("24h", "24h", now)).toEqual({ start: "2026-11-25T14:21:00.000Z", end: "2026-11-26T14:21:00.000Z", ms: 86_400_000 });
    expect(rangeBounds("nonsense", "7d", now).ms).toBe(7 * 86_400_000);
  });
});

describe("live feed helpers", () => {
  it("backs off exponentially up to 30 s", () => {
    expect([0, 1, 2, 3, 4, 5, 6, 10].map((a) => backoffDelay(a))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });
  it("builds the WebSocket URL from the page's origin", () => {
    expect(wsURL("a.b c", { protocol: "http:", host: "127.0.0.1:8000" })).toBe("ws://127.0.0.1:8000/ws/traces?token=a.b%20c");
    expect(wsURL("t", { protocol: "https:", host: "as.example" })).toBe("wss://as.example/ws/traces?token=t");
  });
});
