// A deployment's events, live, over the API's WebSocket (`/ws/deployments/{id}?after=N`).
//
// Browsers cannot give a WebSocket headers, so the key travels the way the API's gate reads it for
// browsers: as the subprotocols `alma` and `alma.key.KEY` (the server answers `alma` and never echoes the
// key) — never in the URL. A connection that drops before the stream ended is opened again with
// `after` = the last event id received, so nothing is missed and nothing is shown twice.
import type { AlmaEvent } from "./views";

export type FeedStatus =
  | { state: "connecting"; attempt: number }
  | { state: "live" }
  | { state: "reconnecting"; attempt: number; inMs: number }
  | { state: "ended" }
  | { state: "interrupted"; detail: string }
  | { state: "failed"; detail: string };

export interface FeedHandlers {
  onEvent(event: AlmaEvent): void;
  onStatus(status: FeedStatus): void;
}

export interface FeedOptions {
  key: string;
  after?: number;
  /** Gives up after this many reconnections in a row without an event (then `failed`). */
  maxAttempts?: number;
  /** Where the server is; the page's own origin by default. */
  origin?: string;
  /** Opens the socket (tests give a WebSocket implementation of their own). */
  open?: (url: string, protocols: string[]) => WebSocket;
}

const NORMAL_CLOSURE = 1000;

export function feedUrl(origin: string, deploymentId: string, after: number): string {
  const base = origin.replace(/^http/, "ws");
  return `${base}/ws/deployments/${encodeURIComponent(deploymentId)}?after=${after}`;
}

export function backoffMs(attempt: number): number {
  return Math.min(500 * 2 ** Math.max(0, attempt - 1), 8000);
}

/** Follows a deployment until its stream ends; returns a function that stops following. */
export function followDeployment(deploymentId: string, handlers: FeedHandlers, options: FeedOptions): () => void {
  const maxAttempts = options.maxAttempts ?? 8;
  const origin = options.origin ?? window.location.origin;
  const open = options.open ?? ((url, protocols) => new WebSocket(url, protocols));
  let lastId = options.after ?? 0;
  let attempt = 0;
  let stopped = false;
  let finished = false; // the server said all it had: a final event, an interruption, or an error
  let socket: WebSocket | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const connect = () => {
    if (stopped) return;
    handlers.onStatus({ state: "connecting", attempt });
    try {
      socket = open(feedUrl(origin, deploymentId, lastId), ["alma", `alma.key.${options.key}`]);
    } catch (error) {
      // A key with characters a subprotocol cannot carry (only ALMA_API_KEY can be spelt so).
      finished = true;
      handlers.onStatus({
        state: "failed",
        detail: `this key cannot open a live stream (${error instanceof Error ? error.message : String(error)}); use a key made with \`alma keys create\``,
      });
      return;
    }
    socket.onopen = () => handlers.onStatus({ state: "live" });
    socket.onmessage = (message: MessageEvent<string>) => {
      const item = JSON.parse(message.data) as Record<string, unknown>;
      if (typeof item.id === "number") {
        attempt = 0;
        if (item.id <= lastId) return; // already shown (a resumed stream never repeats, but be sure)
        lastId = item.id;
        handlers.onEvent(item as unknown as AlmaEvent);
      } else if (item.kind === "stream.interrupted") {
        finished = true;
        handlers.onStatus({ state: "interrupted", detail: String(item.detail) });
      } else if ("error" in item) {
        finished = true;
        handlers.onStatus({ state: "failed", detail: String(item.detail ?? item.error) });
      }
    };
    socket.onclose = (closed: CloseEvent) => {
      socket = null;
      if (stopped) return;
      if (finished || closed.code === NORMAL_CLOSURE) {
        if (!finished) handlers.onStatus({ state: "ended" });
        finished = true;
        return;
      }
      attempt += 1;
      if (attempt > maxAttempts) {
        handlers.onStatus({
          state: "failed",
          detail: `the live stream closed ${maxAttempts} times in a row (last code ${closed.code}); reload to try again`,
        });
        return;
      }
      const inMs = backoffMs(attempt);
      handlers.onStatus({ state: "reconnecting", attempt, inMs });
      timer = setTimeout(connect, inMs);
    };
  };

  connect();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    socket?.close(NORMAL_CLOSURE);
  };
}
