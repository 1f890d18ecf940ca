/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The UI is served by `alma serve` at `/` (the API stays under /api/v1, /ws, /graphql), so assets are
// absolute from the root. `npm run dev` proxies the API to a local `alma serve` (ALMA_URL, default :8000).
const api = process.env.ALMA_URL ?? "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [react()],
  build: {
    target: "es2022",
    sourcemap: false,
    // The graph (xyflow + dagre) is loaded with the stack page that shows it, not on first load.
    chunkSizeWarningLimit: 400,
  },
  // The graph's layout runs in a module worker (src/components/graph/layout.worker.ts).
  worker: { format: "es" },
  server: {
    proxy: {
      "/api": api,
      "/ws": { target: api.replace(/^http/, "ws"), ws: true },
    },
  },
  test: {
    environment: "jsdom",
    globals: true,
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/test-setup.ts"],
    css: false,
  },
});
