import { backoffMs, feedUrl, followDeployment, type FeedStatus } from "./live";
import type { AlmaEvent } from "./views";

/** A browser WebSocket's surface, driven by the test as the server would drive it. */
class ScriptedSocket {
  onopen: (() => void) | null = null;
  onmessage: ((m: MessageEvent<string>) => void) | null = null;
  onclose: ((c: CloseEvent) => void) | null = null;
  closedByClient: number | null = null;
  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {}
  open() {
    this.onopen?.();
  }
  send(item: unknown) {
    this.onmessage?.({ data: JSON.stringify(item) } as MessageEvent<string>);
  }
  drop(code: number) {
    this.onclose?.({ code } as CloseEvent);
  }
  close(code: number) {
    this.closedByClient = code;
  }
}

const event = (id: number, kind = "resource.created"): AlmaEvent => ({
  id,
  at: "2026-01-01T00:00:00Z",
  kind,
  resource: "web",
  actor: "alice",
  deployment_id: "d1",
  message: "",
  data: {},
});

function follow(after = 0, maxAttempts = 3) {
  const sockets: ScriptedSocket[] = [];
  const events: number[] = [];
  const statuses: FeedStatus[] = [];
  const stop = followDeployment(
    "d1",
    { onEvent: (e) => events.push(e.id), onStatus: (s) => statuses.push(s) },
    {
      key: "alma_secret",
      after,
      maxAttempts,
      origin: "http://alma.test",
      open: (url, protocols) => {
        const socket = new ScriptedSocket(url, protocols);
        sockets.push(socket);
        return socket as unknown as WebSocket;
      },
    },
  );
  return { sockets, events, statuses, stop };
}

describe("following a deployment over the WebSocket", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("sends the key as a subprotocol, never in the URL", () => {
    const { sockets } = follow(5);
    expect(sockets[0]!.url).toBe("ws://alma.test/ws/deployments/d1?after=5");
    expect(sockets[0]!.protocols).toEqual(["alma", "alma.key.alma_secret"]);
    expect(feedUrl("https://alma.test", "a/b", 0)).toBe("wss://alma.test/ws/deployments/a%2Fb?after=0");
  });

  it("resumes after the last event received when the connection drops", () => {
    const { sockets, events, statuses } = follow();
    sockets[0]!.open();
    sockets[0]!.send(event(3));
    sockets[0]!.send(event(4));
    sockets[0]!.drop(1006);
    expect(statuses.at(-1)).toEqual({ state: "reconnecting", attempt: 1, inMs: 500 });
    vi.advanceTimersByTime(500);
    expect(sockets[1]!.url).toBe("ws://alma.test/ws/deployments/d1?after=4");
    sockets[1]!.send(event(4)); // an overlap is shown once
    sockets[1]!.send(event(5, "deployment.succeeded"));
    sockets[1]!.drop(1000);
    expect(events).toEqual([3, 4, 5]);
    expect(statuses.at(-1)).toEqual({ state: "ended" });
  });

  it("stops at an interruption the server reports, without reconnecting", () => {
    const { sockets, statuses } = follow();
    sockets[0]!.send({ kind: "stream.interrupted", deployment_id: "d1", detail: "its process died" });
    sockets[0]!.drop(1000);
    vi.advanceTimersByTime(10_000);
    expect(sockets).toHaveLength(1);
    expect(statuses.at(-1)).toEqual({ state: "interrupted", detail: "its process died" });
  });

  it("reports the server's error (no such deployment) and stops", () => {
    const { sockets, statuses } = follow();
    sockets[0]!.send({ error: "NotFoundError", detail: "no deployment 'd1'" });
    sockets[0]!.drop(1000);
    expect(sockets).toHaveLength(1);
    expect(statuses.at(-1)).toEqual({ state: "failed", detail: "no deployment 'd1'" });
  });

  it("gives up after the allowed reconnections in a row, backing off each time", () => {
    const { sockets, statuses } = follow(0, 2);
    sockets[0]!.drop(1006);
    vi.advanceTimersByTime(backoffMs(1));
    sockets[1]!.drop(1006);
    vi.advanceTimersByTime(backoffMs(2));
    sockets[2]!.drop(1006);
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(3);
    expect(statuses.at(-1)).toMatchObject({ state: "failed" });
    expect([1, 2, 3, 4, 5, 10].map(backoffMs)).toEqual([500, 1000, 2000, 4000, 8000, 8000]);
  });

  it("closes its socket and schedules nothing once stopped", () => {
    const { sockets, stop } = follow();
    stop();
    expect(sockets[0]!.closedByClient).toBe(1000);
    sockets[0]!.drop(1006);
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
  });
});
