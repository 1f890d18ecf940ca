// Where each resource of a stack goes in its dependency graph: dagre's layered layout, dependencies to
// the left of what depends on them. Pure, so it is tested without a browser.
import dagre from "@dagrejs/dagre";

import { NODE_HEIGHT, NODE_WIDTH, type Layout, type Vertex } from "./geometry";

// Past this many resources dagre skips its costliest crossing-reduction pass (seconds on a busy machine
// for 500 resources): the ranks stay exact, the order within a rank is less polished.
export const FAST_FROM = 200;

export { NODE_HEIGHT, NODE_WIDTH, type Layout, type Vertex };

export function layoutGraph(resources: Vertex[]): Layout {
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ rankdir: "LR", nodesep: 16, ranksep: 64, marginx: 8, marginy: 8 });
  graph.setDefaultEdgeLabel(() => ({}));
  const names = new Set(resources.map((r) => r.name));
  for (const r of resources) graph.setNode(r.name, { width: NODE_WIDTH, height: NODE_HEIGHT });
  const edges: Layout["edges"] = [];
  for (const r of resources) {
    for (const dependency of r.dependencies) {
      if (!names.has(dependency)) continue; // a dependency outside the recorded state draws nothing
      graph.setEdge(dependency, r.name);
      edges.push({ id: `${dependency}->${r.name}`, source: dependency, target: r.name });
    }
  }
  dagre.layout(graph, { disableOptimalOrderHeuristic: resources.length >= FAST_FROM });
  const nodes = resources.map((r) => {
    const placed = graph.node(r.name);
    // dagre gives centres; xyflow places nodes by their top-left corner
    return { name: r.name, x: placed.x - NODE_WIDTH / 2, y: placed.y - NODE_HEIGHT / 2 };
  });
  return { nodes, edges };
}
