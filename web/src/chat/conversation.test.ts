import { confirms } from "./conversation";
import { startsPlan } from "../deploy/runs";

describe("what a chat message does", () => {
  it("reads yes and confirm TOKEN as confirmations, and other sentences as not", () => {
    for (const text of ["yes", "Yes.", "y", "confirm cfm-123", "go ahead", "proceed"]) expect(confirms(text)).toBe(true);
    for (const text of ["yes deploy another one and delete web", "no", "deploy web", "confirmation please?"])
      expect(confirms(text)).toBe(false);
  });
});

describe("finding the deployment a run started", () => {
  const started = {
    id: 7,
    at: "2026-01-01T00:00:00Z",
    kind: "deployment.started",
    resource: null,
    actor: "alice",
    deployment_id: "d1",
    message: "revision 1",
    data: { plan_id: "p1" },
  };

  it("takes the deployment.started event of the plan it applies", () => {
    expect(startsPlan(started, "p1")).toBe(true);
  });

  it("does not take another plan's deployment, or an event that is not a start", () => {
    expect(startsPlan(started, "p2")).toBe(false);
    expect(startsPlan({ ...started, kind: "resource.creating" }, "p1")).toBe(false);
    expect(startsPlan({ ...started, deployment_id: null }, "p1")).toBe(false);
  });
});
