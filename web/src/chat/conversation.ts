// One chat turn over the API: the message sent, the reply's `delta` events handed over as they arrive,
// and the turn (the server's decision: plan, risk, token, what ran) returned at the end. An `error`
// event (the reply could not be said by a model) is reported; the turn still comes and stands.
import { ApiError } from "../api/client";
import { chatStream } from "../api/endpoints";
import { sseEvents } from "../api/sse";
import type { ChatTurn, Problem } from "../api/views";

export interface TurnCallbacks {
  onDelta(text: string): void;
  onProblem?(problem: Problem): void;
}

export async function runChat(message: string, session: string | null, callbacks: TurnCallbacks): Promise<ChatTurn> {
  const body = await chatStream(message, session);
  let turn: ChatTurn | null = null;
  for await (const event of sseEvents(body)) {
    if (event.event === "delta") callbacks.onDelta((JSON.parse(event.data) as { text: string }).text);
    else if (event.event === "error") callbacks.onProblem?.(JSON.parse(event.data) as Problem);
    else if (event.event === "turn") turn = JSON.parse(event.data) as ChatTurn;
  }
  if (turn === null) {
    throw new ApiError(502, {
      type: "about:blank",
      title: "Incomplete reply",
      status: 502,
      detail: "the reply ended before ALMA said what the turn did; look at the stack's events before retrying",
    });
  }
  return turn;
}

/** Whether a message answers a waiting plan (`yes`, `confirm TOKEN`), which applies it. */
export function confirms(message: string): boolean {
  return /^\s*(y|yes|yep|confirm\b.*|go ahead|do it|proceed)\s*[.!]?\s*$/i.test(message);
}
