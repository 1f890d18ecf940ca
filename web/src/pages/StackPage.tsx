// One stack: its revisions (each with its deployment; roll back to one, which makes a plan — applied from
// the plan page, or through an IPR when the policy asks), its recorded state, and its dependency graph.
import { lazy, Suspense, useCallback, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { destroyPlan, drift, history, rollbackPlan, state } from "../api/endpoints";
import type { DriftReport } from "../api/views";
import { useSession } from "../auth/session";
import { Badge } from "../components/Badge";
import { DriftReportView } from "../components/DriftReportView";
import { Page } from "../components/Page";
import { ProblemView } from "../components/Problem";
import { Scroll } from "../components/Scroll";
import { StateTable } from "../components/StateTable";
import { Time } from "../components/Time";
import { useLoad } from "../components/useLoad";

// The graph's chunk (xyflow, dagre) starts loading with this page, while its data is fetched.
const graphModule = import("../components/graph/DependencyGraph");
const DependencyGraph = lazy(() => graphModule);

function summaryText(summary: Record<string, number>): string {
  return ["created", "updated", "replaced", "deleted", "failed"]
    .filter((k) => summary[k])
    .map((k) => `${summary[k]} ${k}`)
    .join(", ");
}

export default function StackPage() {
  const { stack = "" } = useParams();
  const session = useSession();
  const navigate = useNavigate();
  const resources = useLoad(() => state(stack), [stack]);
  const revisions = useLoad(() => history(stack), [stack]);
  const [graphReady, setGraphReady] = useState(false);
  const [acting, setActing] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const ready = useCallback(() => setGraphReady(true), []);
  const [driftReport, setDriftReport] = useState<DriftReport | null>(null);
  const [checking, setChecking] = useState(false);

  const checkDrift = async () => {
    setChecking(true);
    setFailure(null);
    try {
      setDriftReport(await drift(stack));
    } catch (error) {
      setFailure(error);
    } finally {
      setChecking(false);
    }
  };

  const planThen = async (what: string, make: () => Promise<{ plan_id: string }>) => {
    setActing(what);
    setFailure(null);
    try {
      const plan = await make();
      navigate(`/plans/${plan.plan_id}`);
    } catch (error) {
      setFailure(error);
      setActing(null);
    }
  };

  const current = revisions.data?.[0]?.revision ?? null; // the newest revision: rolling back to it changes nothing
  const mayPlan = session.may("plan");
  return (
    <Page
      title={`Stack ${stack}`}
      busy={resources.loading || revisions.loading}
      actions={
        mayPlan && resources.data?.length ? (
          <>
            <button type="button" className="secondary" disabled={acting !== null} onClick={() => void planThen("rollback", () => rollbackPlan(stack, null))}>
              Roll back to the last good revision
            </button>
            <button type="button" className="danger" disabled={acting !== null} onClick={() => void planThen("destroy", () => destroyPlan(stack))}>
              Plan a destroy
            </button>
          </>
        ) : null
      }
    >
      <ProblemView error={failure} />
      <section aria-labelledby="revisions-heading">
        <h2 id="revisions-heading">Revisions</h2>
        <ProblemView error={revisions.error} />
        {revisions.data?.length ? (
          <Scroll label="Revisions">
            <table>
              <caption className="visually-hidden">Revisions of {stack}</caption>
              <thead>
                <tr>
                  <th scope="col">Revision</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Status</th>
                  <th scope="col">By</th>
                  <th scope="col">Started</th>
                  <th scope="col">What happened</th>
                  {mayPlan ? <th scope="col">Rollback</th> : null}
                </tr>
              </thead>
              <tbody>
                {revisions.data.map((d) => (
                  <tr key={d.deployment_id} data-revision={d.revision}>
                    <th scope="row">
                      <Link to={`/deployments/${d.deployment_id}`}>{d.revision}</Link>
                    </th>
                    <td>{d.kind}</td>
                    <td>
                      <Badge value={d.status} />
                    </td>
                    <td>{d.actor}</td>
                    <td>
                      <Time at={d.started_at} />
                    </td>
                    <td>{d.error ?? (summaryText(d.summary ?? {}) || "—")}</td>
                    {mayPlan ? (
                      <td>
                        {d.status === "succeeded" && d.revision !== current ? (
                          <button
                            type="button"
                            className="secondary small"
                            disabled={acting !== null}
                            onClick={() => void planThen("rollback", () => rollbackPlan(stack, d.revision))}
                          >
                            Roll back to {d.revision}
                          </button>
                        ) : null}
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </Scroll>
        ) : revisions.data ? (
          <p>No revisions recorded for this stack.</p>
        ) : null}
      </section>
      <section aria-labelledby="state-heading">
        <h2 id="state-heading">State</h2>
        <ProblemView error={resources.error} />
        {resources.data?.length ? (
          <p className="actions">
            <button type="button" className="secondary" disabled={checking} onClick={() => void checkDrift()}>
              {checking ? "Reading the engines…" : "Check drift"}
            </button>
          </p>
        ) : null}
        {driftReport ? <DriftReportView report={driftReport} /> : null}
        {resources.data ? <StateTable resources={resources.data} /> : null}
      </section>
      <section aria-labelledby="graph-heading">
        <h2 id="graph-heading">Dependency graph</h2>
        {resources.data?.length ? (
          <div data-graph-ready={graphReady ? "true" : "false"}>
            <Suspense fallback={<p>Loading the graph…</p>}>
              <DependencyGraph resources={resources.data} onReady={ready} />
            </Suspense>
          </div>
        ) : resources.data ? (
          <p>No resources recorded.</p>
        ) : null}
      </section>
    </Page>
  );
}
