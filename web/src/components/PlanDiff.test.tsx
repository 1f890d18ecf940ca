import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { Plan } from "../api/views";
import { PlanDiff } from "./PlanDiff";

const plan: Plan = {
  stack: "shop",
  plan_id: "p1",
  hash: "0123456789abcdef0123",
  kind: "apply",
  base_revision: 1,
  target_revision: null,
  environment: null,
  summary: { create: 1, update: 0, replace: 1, delete: 1, noop: 1 },
  approval_reasons: ["it deletes cache", "it replaces net"],
  actions: [
    { resource: "net", type: "network", provider: "fake", action: "replace", before: { cidr: "10.0.0.0/24" }, after: { cidr: "10.0.1.0/24" }, changes: [{ path: "cidr", before: "10.0.0.0/24", after: "10.0.1.0/24", forces_replace: true }], dependencies: [], external_id: "x", reason: "" },
    { resource: "cache", type: "service", provider: "fake", action: "delete", before: { image: "redis", env: null }, after: null, changes: [], dependencies: [], external_id: "y", reason: "" },
    { resource: "web", type: "compute", provider: "fake", action: "create", before: null, after: { cores: 2, tags: [], image: "nginx" }, changes: [], dependencies: ["net"], external_id: null, reason: "" },
    { resource: "db", type: "compute", provider: "fake", action: "noop", before: {}, after: {}, changes: [], dependencies: [], external_id: "z", reason: "" },
  ],
};

describe("a plan shown as a Terraform-style diff", () => {
  it("lists why the plan needs approval", () => {
    render(<PlanDiff plan={plan} />);
    const reasons = screen.getByRole("note", { name: "Why this plan needs approval" });
    expect(within(reasons).getAllByRole("listitem").map((li) => li.textContent)).toEqual(["it deletes cache", "it replaces net"]);
  });

  it("marks a replace and a delete in words, and names the field that forces the replace", () => {
    const { container } = render(<PlanDiff plan={plan} />);
    const replace = container.querySelector('[data-action="replace"]')!;
    expect(replace).toHaveTextContent("net (network, fake) must be replaced");
    expect(replace).toHaveTextContent('cidr: "10.0.0.0/24" → "10.0.1.0/24" forces replacement');
    const remove = container.querySelector('[data-action="delete"]')!;
    expect(remove).toHaveTextContent("cache (service, fake) will be destroyed");
    expect(remove).toHaveTextContent('image = "redis"');
    expect(remove).not.toHaveTextContent("env");
  });

  it("shows what a create sets without empty defaults, and the summary line", () => {
    const { container } = render(<PlanDiff plan={plan} />);
    const create = container.querySelector('[data-action="create"]')!;
    expect(create).toHaveTextContent("web (compute, fake) will be created");
    expect(create).toHaveTextContent("cores = 2");
    expect(create).not.toHaveTextContent("tags");
    expect(screen.getByText("Plan: 1 to add, 0 to change, 1 to replace, 1 to destroy, 1 unchanged.")).toBeInTheDocument();
    expect(container.querySelector('[data-action="noop"]')).toBeNull();
  });

  it("says a plan without changes is up to date", () => {
    render(<PlanDiff plan={{ ...plan, approval_reasons: [], actions: [plan.actions[3]!], summary: { create: 0, update: 0, replace: 0, delete: 0, noop: 1 } }} />);
    expect(screen.getByText(/matches the desired state/)).toHaveTextContent("No changes. Stack shop matches the desired state (revision 1).");
    expect(screen.queryByRole("note")).toBeNull();
  });
});

describe("a plan of hundreds of changes", () => {
  const many = (kind: "create" | "delete", count: number) =>
    Array.from({ length: count }, (_, i) => ({
      ...plan.actions[kind === "create" ? 2 : 1]!,
      resource: `${kind}-${i}`,
    }));
  const big: Plan = {
    ...plan,
    approval_reasons: [],
    actions: [...many("create", 300), ...many("delete", 150)],
    summary: { create: 300, update: 0, replace: 0, delete: 150, noop: 0 },
  };

  it("shows every delete and the first hundred other changes, with fields for the first hundred blocks", async () => {
    const { container } = render(<PlanDiff plan={big} />);
    expect(container.querySelectorAll('[data-action="delete"]')).toHaveLength(150);
    expect(container.querySelectorAll('[data-action="create"]')).toHaveLength(100);
    expect(container.querySelectorAll(".diff-lines")).toHaveLength(100);
    await userEvent.click(screen.getByRole("button", { name: "Show the other 200 changes" }));
    expect(container.querySelectorAll('[data-action="create"]')).toHaveLength(300);
    expect(container.querySelectorAll(".diff-lines")).toHaveLength(450);
  });
});
