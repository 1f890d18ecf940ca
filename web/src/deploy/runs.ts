// Starting a run and finding its deployment while it runs.
//
// With ALMA's default inline queue, `POST /plans/{id}/apply` (and an IPR's apply, and a chat
// confirmation) answers when the run has ended, so the deployment's id would come too late to watch it.
// The run announces itself in its stack's event log the moment it starts: a `deployment.started` event
// naming the plan it applies. So the UI notes where the stack's log stood, sends the request, and reads
// the log from there until that event appears (or the request answers first, e.g. with a refusal or a
// queued run's id), then follows the deployment live over the WebSocket.
import { ApiError } from "../api/client";
import { stackEvents } from "../api/endpoints";
import type { AlmaEvent } from "../api/views";

export interface Started<T> {
  /** The deployment applying the plan; null when the run made none (the plan changed nothing). */
  deploymentId: string | null;
  /** The request's own answer, once it comes. */
  answer: Promise<T>;
}

export interface StartOptions {
  pollMs?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** A stack's events after `after`; none while the stack does not exist yet (its first run makes it). */
async function eventsOf(stack: string, query: Parameters<typeof stackEvents>[1]): Promise<AlmaEvent[]> {
  try {
    return await stackEvents(stack, query);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return [];
    throw error;
  }
}

export function startsPlan(event: AlmaEvent, planId: string): boolean {
  return (
    (event.kind === "deployment.started" || event.kind === "deployment.resumed") &&
    event.deployment_id !== null &&
    event.data.plan_id === planId
  );
}

const pause = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });

/**
 * Sends `request` (which applies plan `planId` of `stack`) and answers as soon as its deployment is known.
 * `deploymentOf` reads the deployment id from the request's answer, for runs that answer first. A refused
 * request rejects with the API's error.
 */
export async function startRun<T>(
  stack: string,
  planId: string,
  request: () => Promise<T>,
  deploymentOf: (answer: T) => string | null,
  options: StartOptions = {},
): Promise<Started<T>> {
  const pollMs = options.pollMs ?? 150;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const newest = await eventsOf(stack, { newest: true, limit: 1 });
  let cursor = newest.at(-1)?.id ?? 0;
  const answer = request();
  let settled: { value: T } | { error: unknown } | null = null;
  answer.then(
    (value) => (settled = { value }),
    (error: unknown) => (settled = { error }),
  );
  const deadline = Date.now() + timeoutMs;
  let wait = pollMs;
  while (Date.now() < deadline && !options.signal?.aborted) {
    const found = await eventsOf(stack, { after: cursor, limit: 200 });
    const start = found.find((e) => startsPlan(e, planId));
    if (start) return { deploymentId: start.deployment_id, answer };
    cursor = found.at(-1)?.id ?? cursor;
    const done = settled as { value: T } | { error: unknown } | null;
    if (done !== null) {
      if ("error" in done) throw done.error;
      return { deploymentId: deploymentOf(done.value), answer };
    }
    await Promise.race([pause(wait, options.signal), answer.catch(() => undefined)]);
    wait = Math.min(wait * 1.5, 1000); // a run that takes long to start is not asked about 7 times a second
  }
  // Nothing announced in time and no answer yet: the request is still going; its answer will say.
  const value = await answer;
  return { deploymentId: deploymentOf(value), answer };
}
