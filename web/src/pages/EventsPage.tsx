// The audit trail: a stack's events, newest first, filtered by family, actor, resource and deployment.
// Filters live in the URL's query (nothing secret there), so a filtered trail can be shared.
import { useMemo } from "react";
import { useSearchParams } from "react-router";
import { stackEvents, stacks } from "../api/endpoints";
import { EventTable } from "../components/EventTable";
import { Page } from "../components/Page";
import { ProblemView } from "../components/Problem";
import { useLoad } from "../components/useLoad";

const FAMILIES = ["deployment", "resource", "ipr", "lock", "approval", "drift"];
const LIMITS = [100, 500, 1000];
const DEFAULT_LIMIT = 100;

export default function EventsPage() {
  const [params, setParams] = useSearchParams();
  const known = useLoad(stacks, []);
  const stack = params.get("stack") || known.data?.[0]?.name || "";
  const family = params.get("kind") ?? "";
  const actor = params.get("actor") ?? "";
  const resource = params.get("resource") ?? "";
  const deployment = params.get("deployment") ?? "";
  const limit = LIMITS.includes(Number(params.get("limit"))) ? Number(params.get("limit")) : DEFAULT_LIMIT;
  const found = useLoad(
    async () => (stack ? stackEvents(stack, { newest: true, limit, ...(deployment ? { deployment } : {}) }) : []),
    [stack, limit, deployment],
  );
  const shown = useMemo(
    () =>
      (found.data ?? [])
        .filter((e) => !family || e.kind.startsWith(`${family}.`))
        .filter((e) => !actor || e.actor.toLowerCase().includes(actor.toLowerCase()))
        .filter((e) => !resource || (e.resource ?? "").toLowerCase().includes(resource.toLowerCase()))
        .reverse(),
    [found.data, family, actor, resource],
  );
  const set = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };
  return (
    <Page title="Events" busy={known.loading || found.loading}>
      <ProblemView error={known.error ?? found.error} />
      {known.data && known.data.length === 0 ? <p>No stacks yet, so no events.</p> : null}
      <div className="filters" role="group" aria-label="Filters">
        <label htmlFor="events-stack">Stack</label>
        <select id="events-stack" value={stack} onChange={(e) => set("stack", e.target.value)}>
          {(known.data ?? []).map((s) => (
            <option key={s.name} value={s.name}>
              {s.name}
            </option>
          ))}
        </select>
        <label htmlFor="events-kind">Kind</label>
        <select id="events-kind" value={family} onChange={(e) => set("kind", e.target.value)}>
          <option value="">all</option>
          {FAMILIES.map((f) => (
            <option key={f} value={f}>
              {f}.*
            </option>
          ))}
        </select>
        <label htmlFor="events-actor">Actor</label>
        <input id="events-actor" value={actor} onChange={(e) => set("actor", e.target.value)} />
        <label htmlFor="events-resource">Resource</label>
        <input id="events-resource" value={resource} onChange={(e) => set("resource", e.target.value)} />
        <label htmlFor="events-deployment">Deployment id</label>
        <input id="events-deployment" value={deployment} onChange={(e) => set("deployment", e.target.value.trim())} />
        <label htmlFor="events-limit">Latest</label>
        <select id="events-limit" value={limit} onChange={(e) => set("limit", e.target.value)}>
          {LIMITS.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </div>
      <p role="status" className="help">
        {shown.length} of the latest {found.data?.length ?? 0} events of {stack || "—"}, newest first
      </p>
      <EventTable events={shown} label="Events" newestFirst />
    </Page>
  );
}
