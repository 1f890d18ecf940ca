// The graph's layout off the main thread: the page stays responsive (its table renders) while dagre works.
import type { Vertex } from "./geometry";
import { layoutGraph } from "./layout";

self.onmessage = (message: MessageEvent<Vertex[]>) => {
  self.postMessage(layoutGraph(message.data));
};
