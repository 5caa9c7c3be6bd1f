// The live feed over /ws/traces: reconnects with exponential backoff
// (1 s, 2 s, 4 s … 30 s), keeps the newest items, can pause and clear.

import { useCallback, useEffect, useRef, useState } from "react";
import { credentials } from "../lib/api";
import type { Alert, LiveMessage, Span } from "../lib/types";

export type LiveStatus = "connecting" | "open" | "reconnecting" | "closed";

export type LiveItem = { kind: "span"; key: string; at: number; span: Span } | { kind: "alert"; key: string; at: number; alert: Alert };

export const MAX_LIVE_ITEMS = 500;

export function backoffDelay(attempt: number, baseMs = 1000, maxMs = 30_000): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
}

export function wsURL(token: string, loc: Pick<Location, "protocol" | "host"> = window.location): string {
  const proto = loc.protocol === "https:" ? "wss:" : "ws:";
  return `${proto}//${loc.host}/ws/traces?token=${encodeURIComponent(token)}`;
}

export function useLiveFeed(projectId: string) {
  const [status, setStatus] = useState<LiveStatus>("connecting");
  const [items, setItems] = useState<LiveItem[]>([]);
  const [paused, setPausedState] = useState(false);
  const [pending, setPending] = useState(0);
  const [retryIn, setRetryIn] = useState<number | null>(null);
  const [lastError, setLastError] = useState<string | null>(null);
  const pausedRef = useRef(false);
  const buffer = useRef<LiveItem[]>([]);
  const seq = useRef(0);
  const [reconnectNow, setReconnectNow] = useState(0);

  useEffect(() => {
    let ws: WebSocket | null = null;
    let attempt = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let ping: ReturnType<typeof setInterval> | undefined;
    let stopped = false;

    const add = (item: LiveItem) => {
      if (pausedRef.current) {
        buffer.current.push(item);
        if (buffer.current.length > MAX_LIVE_ITEMS) buffer.current.splice(0, buffer.current.length - MAX_LIVE_ITEMS);
        setPending(buffer.current.length);
        return;
      }
      setItems((prev) => [item, ...prev].slice(0, MAX_LIVE_ITEMS));
    };

    const connect = () => {
      const token = credentials.token();
      if (!token) {
        setStatus("closed");
        return;
      }
      setStatus(attempt === 0 ? "connecting" : "reconnecting");
      setRetryIn(null);
      ws = new WebSocket(wsURL(token));
      ws.onopen = () => {
        attempt = 0;
        setStatus("open");
        setLastError(null);
        if (projectId) ws?.send(JSON.stringify({ type: "subscribe", project_ids: [projectId] }));
        ping = setInterval(() => ws?.readyState === WebSocket.OPEN && ws.send(JSON.stringify({ type: "ping" })), 25_000);
      };
      ws.onmessage = (ev) => {
        let msg: LiveMessage;
        try {
          msg = JSON.parse(String(ev.data)) as LiveMessage;
        } catch {
          return;
        }
        const at = Date.now();
        if (msg.type === "span") add({ kind: "span", key: `s${seq.current++}`, at, span: msg.data });
        else if (msg.type === "alert") add({ kind: "alert", key: `a${seq.current++}`, at, alert: msg.data });
        else if (msg.type === "error") setLastError(msg.error.message);
      };
      ws.onclose = (ev) => {
        clearInterval(ping);
        ws = null;
        if (stopped) return;
        if (ev.code === 1008 || ev.reason) setLastError(ev.reason || `closed (${ev.code})`);
        const delay = backoffDelay(attempt++);
        setStatus("reconnecting");
        setRetryIn(Date.now() + delay);
        timer = setTimeout(connect, delay);
      };
    };
    connect();
    return () => {
      stopped = true;
      clearTimeout(timer);
      clearInterval(ping);
      ws?.close();
      setStatus("closed");
    };
  }, [projectId, reconnectNow]);

  const setPaused = useCallback((p: boolean) => {
    pausedRef.current = p;
    setPausedState(p);
    if (!p && buffer.current.length) {
      const flushed = buffer.current.reverse();
      buffer.current = [];
      setPending(0);
      setItems((prev) => [...flushed, ...prev].slice(0, MAX_LIVE_ITEMS));
    }
  }, []);

  const clear = useCallback(() => {
    buffer.current = [];
    setPending(0);
    setItems([]);
  }, []);

  const reconnect = useCallback(() => setReconnectNow((n) => n + 1), []);

  return { status, items, paused, pending, setPaused, clear, retryIn, lastError, reconnect };
}
