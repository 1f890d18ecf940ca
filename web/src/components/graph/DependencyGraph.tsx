// A stack's dependency graph (xyflow, laid out by dagre). Loaded only with the stack page: the graph's
// libraries are not part of the first load. The table beside it says the same for keyboards and screen
// readers, so nodes are not tab stops (a 500-resource stack would be 500 of them).
import { Background, Controls, MiniMap, Position, ReactFlow, type Edge, type Node } from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { useMemo } from "react";
import type { Resource } from "../../api/views";
import { NODE_HEIGHT, NODE_WIDTH } from "./geometry";
import { useLayout } from "./useLayout";

// Past this many resources the graph opens on its roots (the resources that depend on nothing), readable,
// instead of fitting everything into view: xyflow then draws only the nodes in view, and the minimap
// shows the whole.
const FIT_ALL_UP_TO = 150;

export default function DependencyGraph({ resources, onReady }: { resources: Resource[]; onReady(): void }) {
  const placed = useLayout(resources);
  const drawn = useMemo(() => {
    if (placed === null) return null;
    const byName = new Map(resources.map((r) => [r.name, r]));
    const nodes: Node[] = placed.nodes.map((p) => {
      const r = byName.get(p.name)!;
      return {
        id: p.name,
        position: { x: p.x, y: p.y },
        data: { label: `${r.name} · ${r.type}` },
        className: `graph-node status-${r.status}`,
        style: { width: NODE_WIDTH, height: NODE_HEIGHT },
        sourcePosition: Position.Right,
        targetPosition: Position.Left,
        ariaLabel: `${r.name}, ${r.type} on ${r.provider}, ${r.status}`,
      };
    });
    const edgeList: Edge[] = placed.edges.map((e) => ({ ...e, focusable: false }));
    return { nodes, edges: edgeList };
  }, [placed, resources]);
  const big = resources.length > FIT_ALL_UP_TO;
  const roots = useMemo(
    () =>
      resources
        .filter((r) => r.dependencies.length === 0)
        .slice(0, 20)
        .map((r) => ({ id: r.name })),
    [resources],
  );
  if (drawn === null) {
    return (
      <div className="graph graph-pending" data-testid="dependency-graph">
        <p>Laying out {resources.length} resources…</p>
      </div>
    );
  }
  return (
    <div className="graph" data-testid="dependency-graph">
      <ReactFlow
        nodes={drawn.nodes}
        edges={drawn.edges}
        fitView
        fitViewOptions={big ? { nodes: roots, maxZoom: 1, minZoom: 0.4 } : { maxZoom: 1 }}
        minZoom={0.05}
        nodesDraggable={false}
        nodesConnectable={false}
        nodesFocusable={false}
        edgesFocusable={false}
        elementsSelectable={false}
        onlyRenderVisibleElements={big}
        // The viewport is set (fitted to the laid-out nodes) once they are measured: the graph is drawn.
        onInit={() => requestAnimationFrame(onReady)}
      >
        <Background />
        <Controls showInteractive={false} />
        {resources.length <= 1000 ? <MiniMap pannable zoomable nodeColor="#6b7682" ariaLabel="Overview of the graph" /> : null}
      </ReactFlow>
    </div>
  );
}
