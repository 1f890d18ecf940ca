// One deployment, live: progress per resource from the WebSocket (resumed from the last event id after a
// dropped connection), then the final report with verification and any automatic rollback. A run whose
// process died can be resumed from here by a key that may apply.
import { useState } from "react";
import { Link, useParams } from "react-router";
import { resume } from "../api/endpoints";
import { useSession } from "../auth/session";
import { EventTable } from "../components/EventTable";
import { Page } from "../components/Page";
import { ProblemView } from "../components/Problem";
import { Time } from "../components/Time";
import { DeploymentProgress } from "../deploy/DeploymentProgress";
import { startRun } from "../deploy/runs";
import { useDeploymentFeed } from "../deploy/useDeploymentFeed";

export default function DeploymentPage() {
  const { deploymentId = "" } = useParams();
  const [round, setRound] = useState(0);
  // A resumed run is followed afresh: a new view, a new stream from the first event.
  return <DeploymentView key={`${deploymentId}:${round}`} deploymentId={deploymentId} onResumed={() => setRound((r) => r + 1)} />;
}

function DeploymentView({ deploymentId, onResumed }: { deploymentId: string; onResumed(): void }) {
  const session = useSession();
  const feed = useDeploymentFeed(deploymentId);
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const d = feed.deployment;
  const interrupted = feed.status?.state === "interrupted";

  const resumeRun = async () => {
    if (!d?.plan_id) return;
    setBusy(true);
    setFailure(null);
    try {
      await startRun(d.stack, d.plan_id, () => resume(deploymentId), (a) => a.deployment_id);
      onResumed();
    } catch (error) {
      setFailure(error);
      setBusy(false);
    }
  };

  return (
    <Page title={d ? `Deployment of ${d.stack}, revision ${d.revision}` : `Deployment ${deploymentId.slice(0, 12)}`} busy={feed.status === null && feed.error === null}>
      {d ? (
        <dl className="facts">
          <dt>Stack</dt>
          <dd>
            <Link to={`/stacks/${encodeURIComponent(d.stack)}`}>{d.stack}</Link>
          </dd>
          <dt>Kind</dt>
          <dd>{d.kind}</dd>
          <dt>By</dt>
          <dd>{d.actor}</dd>
          <dt>Plan</dt>
          <dd>{d.plan_id ? <Link to={`/plans/${d.plan_id}`}>{d.plan_id.slice(0, 12)}</Link> : "—"}</dd>
          <dt>Started</dt>
          <dd>
            <Time at={d.started_at} />
          </dd>
          <dt>Finished</dt>
          <dd>
            <Time at={d.finished_at} />
          </dd>
        </dl>
      ) : null}
      <DeploymentProgress feed={feed} />
      {interrupted && session.may("apply") ? (
        <p className="actions">
          <button type="button" disabled={busy} onClick={() => void resumeRun()}>
            Resume this run
          </button>
        </p>
      ) : null}
      <ProblemView error={failure} title="Not resumed" />
      <section aria-labelledby="events-heading">
        <h2 id="events-heading">Events</h2>
        <EventTable events={feed.progress.events} label="Events of this deployment" />
      </section>
    </Page>
  );
}
