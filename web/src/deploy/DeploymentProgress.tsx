// A deployment's live progress: one row per resource (pending, running, done, failed, skipped) with its
// attempts and elapsed time, the connection's state, and the final report once the stream has ended.
import { memo, useEffect, useId, useState } from "react";
import { Link } from "react-router";
import type { FeedStatus } from "../api/live";
import { Badge } from "../components/Badge";
import { ProblemView } from "../components/Problem";
import { Scroll } from "../components/Scroll";
import { counts, elapsedOf, type Progress, type ResourceProgress } from "./progress";
import type { Feed } from "./useDeploymentFeed";

// What happened to resources, as a deployment's summary counts it (the plan's own counts are left out).
const OUTCOMES = ["created", "updated", "replaced", "deleted", "failed", "skipped"];

function connection(status: FeedStatus | null): string {
  if (status === null) return "loading";
  switch (status.state) {
    case "connecting":
      return status.attempt ? `reconnecting (attempt ${status.attempt})` : "connecting";
    case "live":
      return "live";
    case "reconnecting":
      return `connection lost; reconnecting in ${(status.inMs / 1000).toFixed(1)} s (attempt ${status.attempt})`;
    case "ended":
      return "ended";
    case "interrupted":
      return `interrupted: ${status.detail}`;
    case "failed":
      return `stream failed: ${status.detail}`;
  }
}

function useNow(running: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [running]);
  return now;
}

function seconds(value: number | null): string {
  return value === null ? "—" : `${value.toFixed(value < 10 ? 2 : 1)} s`;
}

// One row per resource, redrawn only when its resource changed (a 500-resource deployment gets an event
// at a time).
const ResourceRow = memo(function ResourceRow({ resource: r, now }: { resource: ResourceProgress; now: number }) {
  return (
    <tr data-resource={r.name} data-state={r.state}>
      <th scope="row">{r.name}</th>
      <td>{r.action}</td>
      <td>
        <Badge value={r.state} />
      </td>
      <td>{r.attempts || "—"}</td>
      <td>{seconds(elapsedOf(r, now))}</td>
      <td>{r.message}</td>
    </tr>
  );
});

export function ProgressTable({ progress, now }: { progress: Progress; now: number }) {
  if (!progress.resources.length) return <p>No resource changes in this deployment.</p>;
  return (
    <Scroll label="Resources of this deployment">
      <table className="progress-table">
        <caption className="visually-hidden">Progress per resource</caption>
        <thead>
          <tr>
            <th scope="col">Resource</th>
            <th scope="col">Action</th>
            <th scope="col">State</th>
            <th scope="col">Attempts</th>
            <th scope="col">Elapsed</th>
            <th scope="col">Last message</th>
          </tr>
        </thead>
        <tbody>
          {progress.resources.map((r) => (
            // Only running rows see the clock: the others stay as they were drawn.
            <ResourceRow key={r.name} resource={r} now={r.state === "running" ? now : 0} />
          ))}
        </tbody>
      </table>
    </Scroll>
  );
}

export function DeploymentProgress({ feed }: { feed: Feed }) {
  const { progress, status, deployment, rollback } = feed;
  const running = progress.outcome === "running" || progress.outcome === "waiting";
  const now = useNow(running);
  const reportId = useId();
  const tally = counts(progress);
  const total = progress.resources.length;
  const finished = tally.done + tally.failed + tally.skipped;
  const overall =
    progress.startedAt === null ? null : ((progress.endedAt ?? (running ? now : progress.startedAt)) - progress.startedAt) / 1000;
  return (
    <div className="deployment-progress">
      <p className="feed-state">
        Stream: <span data-testid="feed-state">{connection(status)}</span>
      </p>
      <div aria-live="polite" className="progress-summary" data-testid="progress-summary">
        <Badge value={progress.outcome} /> {finished} of {total} resources finished ({tally.running} running, {tally.failed}{" "}
        failed, {tally.pending} pending) · elapsed {seconds(overall)}
      </div>
      <progress max={total || 1} value={finished} aria-label="Resources finished" />
      <ProgressTable progress={progress} now={now} />
      {progress.outcome !== "running" && progress.outcome !== "waiting" ? (
        <section aria-labelledby={reportId} className="final-report">
          <h2 id={reportId}>Final report</h2>
          <dl>
            <dt>Outcome</dt>
            <dd>
              <Badge value={progress.outcome} />
            </dd>
            {deployment ? (
              <>
                <dt>Revision</dt>
                <dd>
                  <Link to={`/stacks/${encodeURIComponent(deployment.stack)}`}>
                    {deployment.stack} revision {deployment.revision}
                  </Link>
                </dd>
                <dt>Summary</dt>
                <dd>
                  {OUTCOMES.filter((k) => deployment.summary?.[k])
                    .map((k) => `${deployment.summary[k]} ${k}`)
                    .join(", ") || "nothing changed"}
                </dd>
                {deployment.error ? (
                  <>
                    <dt>Error</dt>
                    <dd>{deployment.error}</dd>
                  </>
                ) : null}
              </>
            ) : null}
            <dt>Verification</dt>
            <dd data-testid="verification">
              {progress.verified === true ? (
                <Badge value="verified" />
              ) : progress.verified === false ? (
                <>
                  <Badge value="failed" tone="bad" /> {progress.verifyProblems.join("; ")}
                </>
              ) : progress.outcome === "succeeded" && !feed.settled ? (
                "waiting for verification…"
              ) : (
                "not verified"
              )}
            </dd>
            {rollback ? (
              <>
                <dt>Automatic rollback</dt>
                <dd>
                  <Link to={`/deployments/${rollback.deployment_id}`}>
                    revision {rollback.revision} ({rollback.status})
                  </Link>
                </dd>
              </>
            ) : null}
          </dl>
        </section>
      ) : null}
      <ProblemView error={feed.error} />
    </div>
  );
}
