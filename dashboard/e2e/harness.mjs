// Starts the real bin/agentstack on free loopback ports with the shipped
// collector-config.yaml, and drives Debian's chromium through
// playwright-core (no browser download).

import { spawn } from "node:child_process";
import { randomBytes, randomInt } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
export const dashboardDir = resolve(here, "..");
export const repoDir = resolve(dashboardDir, "..");
export const screenshotDir = resolve(repoDir, "artifacts", "screenshots");
export const artifactsDir = resolve(repoDir, "artifacts");

export function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", rej);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
export function randomString(n) {
  let s = "";
  for (let i = 0; i < n; i++) s += ALNUM[randomInt(ALNUM.length)];
  return s;
}

export const hex = (bytes) => randomBytes(bytes).toString("hex");

async function waitFor(fn, { timeout = 30_000, interval = 200, what = "condition" } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      if (e?.fatal) throw e;
      last = e;
    }
    await new Promise((r) => setTimeout(r, interval));
  }
  throw new Error(`timed out after ${timeout} ms waiting for ${what}${last ? `: ${last.message}` : ""}`);
}
export { waitFor };

/** Starts bin/agentstack; returns its URLs, bootstrap key and stop(). */
export async function startAgentstack() {
  const bin = process.env.AGENTSTACK_BIN ? resolve(process.env.AGENTSTACK_BIN) : resolve(repoDir, "bin", "agentstack");
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`make build\` (with the dashboard copied into api/ui/dist) first`);
  const config = resolve(repoDir, "collector-config.yaml");
  const dataDir = mkdtempSync(join(tmpdir(), "agentstack-e2e-"));
  const [httpPort, grpcPort, metricsPort, apiPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const key = `ak_${randomString(40)}`;
  const env = {
    ...process.env,
    AGENTSTACK_DATA_DIR: dataDir,
    AGENTSTACK_HTTP_ENDPOINT: `127.0.0.1:${httpPort}`,
    AGENTSTACK_GRPC_ENDPOINT: `127.0.0.1:${grpcPort}`,
    AGENTSTACK_METRICS_HOST: "127.0.0.1",
    AGENTSTACK_METRICS_PORT: String(metricsPort),
    AGENTSTACK_API_ENDPOINT: `127.0.0.1:${apiPort}`,
    AGENTSTACK_API_JWT_SECRET: randomString(48),
    AGENTSTACK_BOOTSTRAP_API_KEY: key,
  };
  const logPath = join(dataDir, "agentstack.log");
  const log = createWriteStream(logPath);
  const httpURL = `http://127.0.0.1:${httpPort}`;
  const apiURL = `http://127.0.0.1:${apiPort}`;
  let child;
  let exited = null;
  const launch = async () => {
    exited = null;
    child = spawn(bin, ["--config", config], { env, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    child.on("exit", (code, signal) => (exited = { code, signal }));
    try {
      await waitFor(
        async () => {
          if (exited) throw Object.assign(new Error(`agentstack exited (${JSON.stringify(exited)}); log:\n${readFileSync(logPath, "utf8").slice(-3000)}`), { fatal: true });
          const r = await fetch(`${httpURL}/ready`);
          return r.status === 200;
        },
        { timeout: 40_000, what: "GET /ready = 200" },
      );
      await waitFor(async () => (await fetch(`${apiURL}/api/v1/health`)).status === 200, { timeout: 15_000, what: "the API" });
    } catch (e) {
      child.kill("SIGKILL");
      throw e;
    }
  };
  const stopChild = async () => {
    if (exited) return;
    const gone = new Promise((r) => child.once("exit", () => r(true)));
    child.kill("SIGTERM");
    const done = await Promise.race([gone, new Promise((r) => setTimeout(() => r(false), 10_000))]);
    if (!done) {
      child.kill("SIGKILL");
      await gone;
    }
  };
  try {
    await launch();
  } catch (e) {
    log.end();
    if (!process.env.AGENTSTACK_E2E_KEEP) rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
  const configText = readFileSync(config, "utf8");
  return {
    apiURL,
    httpURL,
    key,
    dataDir,
    logPath,
    /** Whether the shipped pipeline runs the security processor. */
    securityInPipeline: /processors:\s*\[[^\]]*\bsecurity\b[^\]]*\]/.test(configText),
    /** Stops the binary and starts it again on the same ports and data. */
    async restart() {
      await stopChild();
      await launch();
    },
    async stop() {
      await stopChild();
      log.end();
      if (!process.env.AGENTSTACK_E2E_KEEP) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Sends native-JSON spans through the real receiver. */
export async function sendSpans(h, spans, key = h.key) {
  const r = await fetch(`${h.httpURL}/v1/traces`, {
    method: "POST",
    headers: { "X-API-Key": key, "Content-Type": "application/json" },
    body: JSON.stringify({ spans }),
  });
  const body = await r.text();
  if (r.status !== 202) throw new Error(`receiver answered ${r.status}: ${body}`);
  return JSON.parse(body);
}

/** A JS value as an OTLP JSON AnyValue (strings, numbers, booleans, arrays, maps). */
export function anyValue(v) {
  if (v === null || v === undefined) return {};
  if (typeof v === "string") return { stringValue: v };
  if (typeof v === "boolean") return { boolValue: v };
  if (typeof v === "number") return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(anyValue) } };
  return { kvlistValue: { values: Object.entries(v).map(([key, x]) => ({ key, value: anyValue(x) })) } };
}

/**
 * Sends OTLP JSON log records to the receiver's /v1/logs, as GenAI
 * instrumentations do. records: {time (BigInt ns), eventName?, traceId,
 * spanId, body, attributes?}.
 */
export async function sendLogs(h, records, { service = "e2e-agent", scope = "e2e", key = h.key } = {}) {
  const logRecords = records.map((r) => ({
    timeUnixNano: String(r.time),
    ...(r.eventName ? { eventName: r.eventName } : {}),
    severityNumber: 9,
    severityText: "INFO",
    traceId: r.traceId,
    spanId: r.spanId,
    body: anyValue(r.body),
    attributes: Object.entries(r.attributes ?? {}).map(([k, v]) => ({ key: k, value: anyValue(v) })),
  }));
  const payload = {
    resourceLogs: [{ resource: { attributes: [{ key: "service.name", value: { stringValue: service } }] }, scopeLogs: [{ scope: { name: scope }, logRecords }] }],
  };
  const r = await fetch(`${h.httpURL}/v1/logs`, {
    method: "POST",
    headers: { "X-API-Key": key, "Content-Type": "application/json" },
    body: JSON.stringify(payload),
  });
  const body = await r.text();
  if (r.status < 200 || r.status > 299) throw new Error(`/v1/logs answered ${r.status}: ${body}`);
  return body;
}

/** GET on the API with a user's token. */
export async function apiGet(h, token, path) {
  const r = await fetch(`${h.apiURL}/api/v1${path}`, { headers: { Authorization: `Bearer ${token}` } });
  if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  return r.json();
}

export async function launchBrowser() {
  const userDataDir = mkdtempSync(join(tmpdir(), "agentstack-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    viewport: { width: 1440, height: 900 },
    timeout: 30_000,
  });
  context.setDefaultTimeout(15_000);
  return {
    context,
    async close() {
      await context.close().catch(() => {});
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page, name) {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** ns since the epoch, as a BigInt. */
export function nowNs() {
  return BigInt(Date.now()) * 1_000_000n;
}

/** An RFC 3339 time with nanoseconds (the receiver takes it as well as integers). */
export function rfc3339(ns) {
  const sec = ns / 1_000_000_000n;
  const frac = (ns % 1_000_000_000n).toString().padStart(9, "0");
  return `${new Date(Number(sec) * 1000).toISOString().slice(0, 19)}.${frac}Z`;
}

/** A native span; times are BigInt ns. */
export function span({ traceId, spanId = hex(8), parent = "", name, start, end, status = "OK", service = "e2e-agent", attributes = {}, events = [] }) {
  return {
    trace_id: traceId,
    span_id: spanId,
    parent_span_id: parent,
    name,
    start_time: rfc3339(start),
    end_time: rfc3339(end),
    status,
    service_name: service,
    attributes,
    events: events.map((e) => ({ name: e.name, timestamp: rfc3339(e.time ?? end), attributes: e.attributes ?? {} })),
  };
}
