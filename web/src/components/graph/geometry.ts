// The graph's geometry, shared by the layout (in its worker) and the drawing, without the layout's code.
export const NODE_WIDTH = 180;
export const NODE_HEIGHT = 48;

export interface Placed {
  name: string;
  x: number;
  y: number;
}

export interface Layout {
  nodes: Placed[];
  edges: Array<{ id: string; source: string; target: string }>;
}

/** What the layout needs of a resource (all a worker is sent). */
export interface Vertex {
  name: string;
  dependencies: string[];
}
