import { useEffect, useState } from "react";
import type { Resource } from "../../api/views";
import type { Layout } from "./geometry";

/** The resources' layout, computed in a worker where the browser has them (in place otherwise). */
export function useLayout(resources: Resource[]): Layout | null {
  const [layout, setLayout] = useState<Layout | null>(null);
  useEffect(() => {
    let current = true;
    setLayout(null);
    const vertices = resources.map((r) => ({ name: r.name, dependencies: r.dependencies }));
    const here = () =>
      void import("./layout").then(({ layoutGraph }) => {
        if (current) setLayout(layoutGraph(vertices));
      });
    if (typeof Worker === "undefined") {
      here();
      return () => {
        current = false;
      };
    }
    const worker = new Worker(new URL("./layout.worker.ts", import.meta.url), { type: "module" });
    worker.onmessage = (message: MessageEvent<Layout>) => {
      if (current) setLayout(message.data);
    };
    worker.onerror = here; // a worker that cannot start: lay out here
    worker.postMessage(vertices);
    return () => {
      current = false;
      worker.terminate();
    };
  }, [resources]);
  return layout;
}
