import { parseBlock, sseEvents } from "./sse";

function streamOf(...chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function all(body: ReadableStream<Uint8Array>) {
  const found = [];
  for await (const event of sseEvents(body)) found.push(event);
  return found;
}

describe("server-sent events read from a fetch body", () => {
  it("yields each event once its blank line arrives, however the chunks split it", async () => {
    const events = await all(streamOf('event: delta\ndata: {"text": "Hel', 'lo"}\n', "\nevent: turn\ndata: {}\n\n"));
    expect(events).toEqual([
      { event: "delta", data: '{"text": "Hello"}', id: null },
      { event: "turn", data: "{}", id: null },
    ]);
  });

  it("joins multi-line data, keeps the id, and ignores comments", () => {
    expect(parseBlock(": keep-alive\nid: 42\nevent: resource.created\ndata: a\ndata: b")).toEqual({
      event: "resource.created",
      data: "a\nb",
      id: "42",
    });
  });

  it("reads CRLF line ends, even when a CR and its LF arrive in different chunks", async () => {
    const events = await all(streamOf("event: delta\r\ndata: x\r", "\n\r\nevent: turn\r\ndata: y\r\n\r\n"));
    expect(events.map((e) => [e.event, e.data])).toEqual([
      ["delta", "x"],
      ["turn", "y"],
    ]);
  });

  it("keeps a last event that the body ends without a blank line after", async () => {
    expect(await all(streamOf("event: turn\ndata: {}"))).toEqual([{ event: "turn", data: "{}", id: null }]);
  });

  it("treats a block of comments alone as no event", () => {
    expect(parseBlock(": nothing here")).toBeNull();
  });
});
