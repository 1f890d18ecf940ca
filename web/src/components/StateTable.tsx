// A stack's recorded state, one row per resource, filtered as you type.
import { useDeferredValue, useMemo, useState } from "react";
import type { Resource } from "../api/views";
import { Badge } from "./Badge";
import { Scroll } from "./Scroll";

// A resource's recorded status is its engine's word for it: "running" is a good thing here.
const RESOURCE_TONES: Record<string, string> = {
  running: "good",
  available: "good",
  ready: "good",
  created: "good",
  active: "good",
  failed: "bad",
  error: "bad",
  missing: "bad",
  stopped: "warn",
};

function specsLine(specs: Record<string, unknown>): string {
  return Object.entries(specs)
    .filter(([, v]) => v !== null && !(Array.isArray(v) && v.length === 0) && !(typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 0))
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" ");
}

export function StateTable({ resources }: { resources: Resource[] }) {
  const [query, setQuery] = useState("");
  const deferred = useDeferredValue(query.trim().toLowerCase());
  const shown = useMemo(
    () =>
      deferred
        ? resources.filter((r) => [r.name, r.type, r.provider, r.status, r.external_id ?? ""].some((v) => v.toLowerCase().includes(deferred)))
        : resources,
    [resources, deferred],
  );
  return (
    <div className="state">
      <div className="filter">
        <label htmlFor="state-filter">Filter resources</label>
        <input id="state-filter" type="search" value={query} onChange={(e) => setQuery(e.target.value)} />
        <span role="status" className="help">
          {shown.length} of {resources.length} shown
        </span>
      </div>
      <Scroll label="State table">
        <table className="state-table" data-testid="state-table">
          <caption className="visually-hidden">Recorded state</caption>
          <thead>
            <tr>
              <th scope="col">Resource</th>
              <th scope="col">Type</th>
              <th scope="col">Provider</th>
              <th scope="col">Status</th>
              <th scope="col">Revision</th>
              <th scope="col">Depends on</th>
              <th scope="col">External id</th>
              <th scope="col">Specs</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((r) => (
              <tr key={r.name} data-resource={r.name}>
                <th scope="row">{r.name}</th>
                <td>{r.type}</td>
                <td>{r.provider}</td>
                <td>
                  <Badge value={r.status} tone={RESOURCE_TONES[r.status] ?? "plain"} />
                </td>
                <td>{r.revision}</td>
                <td>{r.dependencies.join(", ") || "—"}</td>
                <td>
                  <code>{r.external_id ?? "—"}</code>
                </td>
                <td className="specs">
                  <code>{specsLine(r.specs)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Scroll>
    </div>
  );
}
