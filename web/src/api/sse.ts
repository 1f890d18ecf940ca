// Server-sent events read from a fetch body (EventSource can neither POST nor send a header). Follows the
// WHATWG format: events end at a blank line, `data:` lines join with newlines, `:` lines are comments.
export interface SseEvent {
  event: string;
  data: string;
  id: string | null;
}

/** The events of one SSE body, in order, as their blank lines arrive. */
export async function* sseEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      // CRLF and CR end lines too; a CR at the very end may be half of a CRLF, so it waits for the next chunk.
      buffer = (buffer + decoder.decode(value, { stream: true })).replace(/\r\n|\r(?!$)/g, "\n");
      let end = buffer.indexOf("\n\n");
      while (end >= 0) {
        const parsed = parseBlock(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        if (parsed) yield parsed;
        end = buffer.indexOf("\n\n");
      }
    }
    const last = parseBlock(buffer.replace(/\r/g, "\n")); // a body that ends without its final blank line
    if (last) yield last;
  } finally {
    reader.releaseLock();
  }
}

export function parseBlock(block: string): SseEvent | null {
  let event = "message";
  let id: string | null = null;
  const data: string[] = [];
  let seen = false;
  for (const line of block.split("\n")) {
    if (!line || line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
    else if (field === "id") id = value;
    else continue;
    seen = true;
  }
  return seen ? { event, data: data.join("\n"), id } : null;
}
