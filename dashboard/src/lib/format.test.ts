import { describe, expect, it } from "vitest";
import { formatClock, formatCost, formatCount, formatDuration, formatPercent, formatRelative, formatTime, formatTokens, plural, toDate } from "./format";

describe("formatDuration", () => {
  it.each([
    [0, "0ms"],
    [0.25, "250µs"],
    [0.0004, "0µs"],
    [4.5, "4.5ms"],
    [4, "4ms"],
    [450, "450ms"],
    [999.4, "999ms"],
    [1000, "1s"],
    [1234, "1.23s"],
    [12_340, "12.3s"],
    [59_900, "59.9s"],
    [60_000, "1m"],
    [150_000, "2m 30s"],
    [3_600_000, "1h"],
    [3_900_000, "1h 5m"],
  ])("%s ms → %s", (ms, want) => {
    expect(formatDuration(ms)).toBe(want);
  });
  it("marks missing and invalid values", () => {
    expect(formatDuration(undefined)).toBe("—");
    expect(formatDuration(Number.NaN)).toBe("—");
    expect(formatDuration(-5)).toBe("—");
  });
});

describe("formatCost", () => {
  it.each([
    [0, "$0"],
    [0.00001, "<$0.0001"],
    [0.0042, "$0.0042"],
    [0.005, "$0.005"],
    [0.42, "$0.42"],
    [0.1234, "$0.123"],
    [1, "$1.00"],
    [12.345, "$12.35"],
    [1234.4, "$1,234"],
    [-0.5, "-$0.5"],
  ])("%s → %s", (usd, want) => {
    expect(formatCost(usd)).toBe(want);
  });
  it("marks missing values", () => {
    expect(formatCost(null)).toBe("—");
  });
});

describe("formatTokens", () => {
  it.each([
    [0, "0"],
    [950, "950"],
    [1000, "1k"],
    [1234, "1.2k"],
    [12_345, "12k"],
    [999_499, "999k"],
    [999_500, "1M"],
    [3_400_000, "3.4M"],
    [25_000_000, "25M"],
  ])("%s → %s", (n, want) => {
    expect(formatTokens(n)).toBe(want);
  });
});

describe("counts and percentages", () => {
  it("formats counts with separators", () => {
    expect(formatCount(1234567)).toBe("1,234,567");
  });
  it("pluralizes", () => {
    expect(plural(1, "trace")).toBe("1 trace");
    expect(plural(0, "trace")).toBe("0 traces");
    expect(plural(1234, "alert")).toBe("1,234 alerts");
  });
  it("formats ratios", () => {
    expect(formatPercent(0)).toBe("0%");
    expect(formatPercent(0.0004)).toBe("<0.1%");
    expect(formatPercent(0.125)).toBe("12.5%");
    expect(formatPercent(1)).toBe("100%");
  });
});

describe("times", () => {
  const iso = "2026-11-26T14:20:05.123Z";
  it("formats RFC 3339, ns and Date the same way", () => {
    expect(formatTime(iso, "UTC")).toBe("2026-11-26 14:20:05");
    expect(formatTime(Date.parse(iso) * 1e6, "UTC")).toBe("2026-11-26 14:20:05");
    expect(formatTime(new Date(iso), "UTC")).toBe("2026-11-26 14:20:05");
    expect(formatTime(iso, "Asia/Tokyo")).toBe("2026-11-26 23:20:05");
  });
  it("formats clock times with milliseconds", () => {
    expect(formatClock(iso, "UTC")).toBe("14:20:05.123");
  });
  it("tells ns from ms since the epoch", () => {
    expect(toDate(1_764_166_805_123)?.toISOString()).toBe("2025-11-26T14:20:05.123Z");
    expect(toDate(1_764_166_805_123_000_000)?.toISOString()).toBe("2025-11-26T14:20:05.123Z");
    expect(toDate("not a time")).toBeNull();
    expect(formatTime("")).toBe("—");
  });
  it("formats relative times", () => {
    const now = new Date(iso);
    const ago = (ms: number) => new Date(now.getTime() - ms);
    expect(formatRelative(ago(2000), now)).toBe("just now");
    expect(formatRelative(ago(30_000), now)).toBe("30s ago");
    expect(formatRelative(ago(5 * 60_000), now)).toBe("5m ago");
    expect(formatRelative(ago(3 * 3_600_000), now)).toBe("3h ago");
    expect(formatRelative(ago(4 * 86_400_000), now)).toBe("4d ago");
    expect(formatRelative(ago(-10 * 60_000), now)).toBe("in 10m");
  });
});
