import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { Resource } from "../api/views";
import { layoutGraph, NODE_WIDTH } from "./graph/layout";
import { StateTable } from "./StateTable";

const resource = (name: string, type: string, dependencies: string[] = []): Resource => ({
  stack: "shop",
  name,
  type,
  provider: "fake",
  status: "running",
  specs: { cores: 1, tags: [] },
  dependencies,
  external_id: `fake-${name}`,
  revision: 1,
  updated_at: "2026-01-01T00:00:00Z",
});

describe("a stack's state table", () => {
  it("shows every resource and filters them as you type", async () => {
    render(<StateTable resources={[resource("net", "network"), resource("web-1", "compute", ["net"]), resource("web-2", "compute", ["net"])]} />);
    expect(screen.getAllByRole("row")).toHaveLength(4);
    expect(screen.getByRole("row", { name: /web-1/ })).toHaveTextContent("net");
    await userEvent.type(screen.getByLabelText("Filter resources"), "web");
    expect(await screen.findByText("2 of 3 shown")).toBeInTheDocument();
    expect(screen.queryByRole("row", { name: /^net/ })).toBeNull();
  });
});

describe("the dependency graph's layout", () => {
  it("puts a resource to the right of what it depends on", () => {
    const { nodes, edges } = layoutGraph([resource("net", "network"), resource("db", "compute", ["net"]), resource("web", "compute", ["db", "net"])]);
    const x = Object.fromEntries(nodes.map((n) => [n.name, n.x]));
    expect(x.net! + NODE_WIDTH).toBeLessThanOrEqual(x.db!);
    expect(x.db! + NODE_WIDTH).toBeLessThanOrEqual(x.web!);
    expect(edges.map((e) => e.id).sort()).toEqual(["db->web", "net->db", "net->web"]);
  });

  it("draws no edge to a dependency outside the recorded state", () => {
    expect(layoutGraph([resource("web", "compute", ["gone"])]).edges).toEqual([]);
  });

  it("lays out 500 resources in well under a second", () => {
    const many = Array.from({ length: 500 }, (_, i) => resource(`r${i}`, "compute", i >= 10 ? [`r${i % 10}`] : []));
    const started = performance.now();
    expect(layoutGraph(many).nodes).toHaveLength(500);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
