// A deployment's progress, folded from its events: each resource pending, running, done, failed or
// skipped, with its attempts and elapsed time, and the deployment's own outcome and verification.
// Pure: the same events give the same progress, however they arrived (live, resumed, or read back).
import type { ActionKind, AlmaEvent, PlanAction } from "../api/views";

export type ResourceState = "pending" | "running" | "done" | "failed" | "skipped";

export interface ResourceProgress {
  name: string;
  action: ActionKind | "unknown";
  state: ResourceState;
  attempts: number;
  startedAt: number | null; // ms since the epoch, from the events' own times
  endedAt: number | null;
  elapsedS: number | null; // as the engine call measured it, when the event says
  message: string;
}

export type Outcome = "waiting" | "running" | "succeeded" | "failed" | "abandoned";

export interface Progress {
  resources: ResourceProgress[];
  outcome: Outcome;
  verified: boolean | null;
  verifyProblems: string[];
  startedAt: number | null;
  endedAt: number | null;
  lastEventId: number;
  events: AlmaEvent[];
}

const RUNNING = new Set(["creating", "updating", "replacing", "deleting", "retrying", "adopting", "importing"]);
const DONE = new Set(["created", "updated", "replaced", "deleted", "adopted", "imported"]);
const SKIPPED = new Set(["skipped", "cancelled"]);

export function initialProgress(actions: PlanAction[] = []): Progress {
  return {
    resources: actions
      .filter((a) => a.action !== "noop")
      .map((a) => ({
        name: a.resource,
        action: a.action,
        state: "pending",
        attempts: 0,
        startedAt: null,
        endedAt: null,
        elapsedS: null,
        message: "",
      })),
    outcome: "waiting",
    verified: null,
    verifyProblems: [],
    startedAt: null,
    endedAt: null,
    lastEventId: 0,
    events: [],
  };
}

function resourceStep(resource: ResourceProgress, verb: string, event: AlmaEvent, at: number): ResourceProgress {
  const attempts = Number(event.data.attempt ?? event.data.attempts ?? resource.attempts) || resource.attempts;
  if (RUNNING.has(verb)) {
    return { ...resource, state: "running", attempts, startedAt: resource.startedAt ?? at, message: event.message };
  }
  const elapsed = typeof event.data.elapsed_s === "number" ? event.data.elapsed_s : null;
  const ended = { ...resource, attempts, endedAt: at, elapsedS: elapsed, message: event.message };
  if (DONE.has(verb)) return { ...ended, state: "done" };
  if (verb === "failed") return { ...ended, state: "failed" };
  if (SKIPPED.has(verb)) return { ...ended, state: "skipped" };
  return { ...resource, message: event.message };
}

/** The progress after one more event; events already folded in (by id) change nothing. */
export function step(progress: Progress, event: AlmaEvent): Progress {
  return fold(progress, [event]);
}

/**
 * The progress after more events, in order; events already folded in (by id) change nothing. One copy per
 * call, however many events: a deployment of 500 resources read back at once is 1000 events.
 */
export function fold(progress: Progress, events: AlmaEvent[]): Progress {
  const fresh = events.filter((e, i) => e.id > progress.lastEventId && (i === 0 || e.id > events[i - 1]!.id));
  if (!fresh.length) return progress;
  const next: Progress = { ...progress, resources: [...progress.resources], events: [...progress.events, ...fresh] };
  const index = new Map(next.resources.map((r, i) => [r.name, i]));
  for (const event of fresh) {
    next.lastEventId = event.id;
    const at = Date.parse(event.at);
    const [family, verb = ""] = event.kind.split(/\.(.*)/s);
    if (family === "resource" && event.resource) {
      let position = index.get(event.resource);
      if (position === undefined) {
        position = next.resources.length;
        index.set(event.resource, position);
        next.resources.push({
          name: event.resource,
          action: "unknown",
          state: "pending",
          attempts: 0,
          startedAt: null,
          endedAt: null,
          elapsedS: null,
          message: "",
        });
      }
      next.resources[position] = resourceStep(next.resources[position]!, verb, event, at);
    } else if (family === "deployment") {
      if (verb === "started" || verb === "resumed") next.outcome = "running";
      if (verb === "started") next.startedAt = next.startedAt ?? at;
      if (verb === "succeeded" || verb === "failed" || verb === "abandoned") {
        next.outcome = verb;
        next.endedAt = at;
      }
      if (verb === "verified") next.verified = true;
      if (verb === "verify_failed") {
        next.verified = false;
        const problems = event.data.problems;
        next.verifyProblems = Array.isArray(problems) ? problems.map(String) : [event.message];
      }
    }
  }
  return next;
}

export function counts(progress: Progress): Record<ResourceState, number> {
  const found: Record<ResourceState, number> = { pending: 0, running: 0, done: 0, failed: 0, skipped: 0 };
  for (const r of progress.resources) found[r.state] += 1;
  return found;
}

/** Seconds a resource has taken: the engine's measure when given, else between its events, else so far. */
export function elapsedOf(resource: ResourceProgress, now: number): number | null {
  if (resource.elapsedS !== null) return resource.elapsedS;
  if (resource.startedAt === null) return null;
  return ((resource.endedAt ?? now) - resource.startedAt) / 1000;
}
