import type { AlmaEvent, PlanAction } from "../api/views";
import { counts, elapsedOf, fold, initialProgress, step } from "./progress";

const action = (resource: string, kind: PlanAction["action"]): PlanAction => ({
  resource,
  type: "compute",
  provider: "fake",
  action: kind,
  before: null,
  after: {},
  changes: [],
  dependencies: [],
  external_id: null,
  reason: "",
});

let nextId = 0;
const event = (kind: string, resource: string | null, at: string, data: Record<string, unknown> = {}): AlmaEvent => ({
  id: ++nextId,
  at,
  kind,
  resource,
  actor: "alice",
  deployment_id: "d1",
  message: `${kind} ${resource ?? ""}`.trim(),
  data,
});

describe("a deployment's progress folded from its events", () => {
  it("starts with every changing resource pending and leaves unchanged ones out", () => {
    const progress = initialProgress([action("net", "create"), action("db", "noop"), action("web", "replace")]);
    expect(progress.resources.map((r) => [r.name, r.action, r.state])).toEqual([
      ["net", "create", "pending"],
      ["web", "replace", "pending"],
    ]);
    expect(progress.outcome).toBe("waiting");
  });

  it("moves a resource through running to done, with the engine's elapsed time and attempts", () => {
    const events = [
      event("deployment.started", null, "2026-01-01T00:00:00Z", { plan_id: "p" }),
      event("resource.creating", "net", "2026-01-01T00:00:00Z", { attempt: 1 }),
      event("resource.retrying", "net", "2026-01-01T00:00:01Z", { attempt: 2 }),
    ];
    const running = fold(initialProgress([action("net", "create")]), events);
    expect(running.resources[0]).toMatchObject({ state: "running", attempts: 2 });
    expect(elapsedOf(running.resources[0]!, Date.parse("2026-01-01T00:00:03Z"))).toBe(3);
    const done = step(running, event("resource.created", "net", "2026-01-01T00:00:04Z", { attempts: 2, elapsed_s: 3.5 }));
    expect(done.resources[0]).toMatchObject({ state: "done", attempts: 2, elapsedS: 3.5 });
    expect(elapsedOf(done.resources[0]!, Date.now())).toBe(3.5);
  });

  it("says failed and skipped resources, the outcome, and the verification", () => {
    const progress = fold(initialProgress([action("a", "create"), action("b", "create")]), [
      event("deployment.started", null, "2026-01-01T00:00:00Z"),
      event("resource.creating", "a", "2026-01-01T00:00:00Z"),
      event("resource.failed", "a", "2026-01-01T00:00:01Z"),
      event("resource.skipped", "b", "2026-01-01T00:00:01Z"),
      event("deployment.failed", null, "2026-01-01T00:00:02Z"),
    ]);
    expect(counts(progress)).toEqual({ pending: 0, running: 0, done: 0, failed: 1, skipped: 1 });
    expect(progress.outcome).toBe("failed");
    expect(progress.endedAt).toBe(Date.parse("2026-01-01T00:00:02Z"));
    const verified = fold(initialProgress(), [
      event("deployment.succeeded", null, "2026-01-01T00:00:00Z"),
      event("deployment.verify_failed", null, "2026-01-01T00:00:01Z", { problems: ["web is not ready"] }),
    ]);
    expect(verified.verified).toBe(false);
    expect(verified.verifyProblems).toEqual(["web is not ready"]);
  });

  it("ignores an event it has already folded in (a resumed stream that overlaps)", () => {
    const first = event("resource.creating", "net", "2026-01-01T00:00:00Z");
    const once = fold(initialProgress([action("net", "create")]), [first]);
    const twice = step(once, first);
    expect(twice).toBe(once);
    expect(twice.events).toHaveLength(1);
  });

  it("adds a resource the plan did not list rather than dropping its events", () => {
    const progress = step(initialProgress(), event("resource.deleting", "orphan", "2026-01-01T00:00:00Z"));
    expect(progress.resources).toEqual([expect.objectContaining({ name: "orphan", action: "unknown", state: "running" })]);
  });
});
