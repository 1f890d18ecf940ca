// One IPR, for review: what it changes (the plan's diff) and why it needs approval, its revisions, the
// reviews and comments, approve / request changes / reject, apply once approved, and its audit trail.
// The server decides who may do what (an author cannot approve their own IPR; named reviewers): a refused
// action shows the server's reason, and nothing changes.
import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { applyIpr, closeIpr, ipr as loadIpr, review, runSaid, stackEvents, type Verdict } from "../api/endpoints";
import type { AlmaEvent, Ipr } from "../api/views";
import { useSession } from "../auth/session";
import { Badge } from "../components/Badge";
import { EventTable } from "../components/EventTable";
import { Page } from "../components/Page";
import { PlanDiff } from "../components/PlanDiff";
import { ProblemView } from "../components/Problem";
import { Time } from "../components/Time";
import { useLoad } from "../components/useLoad";
import { startRun } from "../deploy/runs";

const REVIEWABLE = ["open", "changes_requested"];
const CLOSABLE = ["open", "approved", "changes_requested", "superseded", "rejected", "failed"];
const AUDIT_WINDOW = 1000;

const VERDICT_WORDS: Record<Verdict, string> = {
  approve: "approved",
  request_changes: "requested changes",
  reject: "rejected",
  comment: "commented",
};

async function auditOf(found: Ipr): Promise<{ events: AlmaEvent[]; partial: boolean }> {
  const recent = await stackEvents(found.stack, { newest: true, limit: AUDIT_WINDOW });
  const mine = recent.filter((e) => e.data.ipr === found.id || (found.deployment_id !== null && e.deployment_id === found.deployment_id));
  return { events: mine, partial: recent.length === AUDIT_WINDOW && mine[0]?.kind !== "ipr.created" };
}

export default function IprPage() {
  const { iprId = "" } = useParams();
  const id = Number(iprId);
  const session = useSession();
  const navigate = useNavigate();
  const found = useLoad(() => loadIpr(id), [id]);
  const audit = useLoad(async () => (found.data ? auditOf(found.data) : null), [found.data]);
  const [comment, setComment] = useState("");
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const [said, setSaid] = useState<string | null>(null);
  const ipr = found.data;

  const act = async (what: string, action: () => Promise<unknown>) => {
    setBusy(true);
    setFailure(null);
    setSaid(null);
    try {
      await action();
      setSaid(what);
      setComment("");
      found.reload();
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };

  // Bound to the revision on screen: if it was revised meanwhile the server refuses, and the page reloads it.
  const verdict = (v: Verdict) =>
    act(`You ${VERDICT_WORDS[v]} IPR #${id}.`, async () => {
      if (!ipr) return;
      try {
        await review(id, v, comment, ipr.revision);
      } catch (error) {
        found.reload();
        throw error;
      }
    });

  const apply = async () => {
    if (!ipr) return;
    setBusy(true);
    setFailure(null);
    try {
      const started = await startRun(ipr.stack, ipr.plan.plan_id, () => applyIpr(id), (a) => a.deployment_id);
      if (started.deploymentId) {
        navigate(`/deployments/${started.deploymentId}`);
        return;
      }
      const answer = await started.answer;
      setSaid(runSaid(answer));
      found.reload();
    } catch (error) {
      setFailure(error);
    }
    setBusy(false);
  };

  const revisions = (audit.data?.events ?? []).filter((e) => e.kind === "ipr.created" || e.kind === "ipr.revised");
  const mayClose = ipr !== null && CLOSABLE.includes(ipr.status) && session.may("plan") && (ipr.author === session.name || session.may("admin"));

  return (
    <Page title={ipr ? `IPR #${ipr.id}: ${ipr.title}` : `IPR #${iprId}`} busy={found.loading}>
      <ProblemView error={found.error} />
      {ipr ? (
        <>
          <dl className="facts">
            <dt>Status</dt>
            <dd data-testid="ipr-status">
              <Badge value={ipr.status} />
            </dd>
            <dt>Stack</dt>
            <dd>
              <Link to={`/stacks/${encodeURIComponent(ipr.stack)}`}>{ipr.stack}</Link>
            </dd>
            <dt>Author</dt>
            <dd>{ipr.author}</dd>
            <dt>Revision</dt>
            <dd>{ipr.revision}</dd>
            <dt>Approvals</dt>
            <dd data-testid="ipr-approvals">
              {ipr.approvals.length} of {ipr.approvals_required} needed
              {ipr.approvals.length ? ` (${ipr.approvals.join(", ")})` : ""}
            </dd>
            <dt>Reviewers</dt>
            <dd>{ipr.reviewers.length ? ipr.reviewers.join(", ") : "anyone who may review"}</dd>
            <dt>Opened</dt>
            <dd>
              <Time at={ipr.created_at} />
            </dd>
            {ipr.deployment_id ? (
              <>
                <dt>Deployment</dt>
                <dd>
                  <Link to={`/deployments/${ipr.deployment_id}`}>{ipr.deployment_id.slice(0, 12)}</Link>
                </dd>
              </>
            ) : null}
          </dl>
          {ipr.description ? <p className="description">{ipr.description}</p> : null}

          <section aria-labelledby="plan-heading">
            <h2 id="plan-heading">Plan</h2>
            <PlanDiff plan={{ ...ipr.plan, approval_reasons: ipr.policy_reasons }} />
          </section>

          <section aria-labelledby="reviews-heading">
            <h2 id="reviews-heading">Reviews and comments</h2>
            {ipr.reviews.length ? (
              <ol className="reviews">
                {ipr.reviews.map((r, i) => (
                  <li key={i}>
                    <strong>{r.reviewer}</strong> <Badge value={r.verdict} tone={r.verdict === "approve" ? "good" : r.verdict === "comment" ? "plain" : "bad"} /> on
                    revision {r.revision}, <Time at={r.at} />
                    {r.comment ? <blockquote>{r.comment}</blockquote> : null}
                  </li>
                ))}
              </ol>
            ) : (
              <p>No reviews yet.</p>
            )}
          </section>

          {session.may("review") && REVIEWABLE.includes(ipr.status) ? (
            <section aria-labelledby="review-heading" className="review-form">
              <h2 id="review-heading">Your review</h2>
              <label htmlFor="review-comment">Comment</label>
              <textarea id="review-comment" rows={3} value={comment} onChange={(e) => setComment(e.target.value)} />
              <p className="actions">
                <button type="button" disabled={busy} onClick={() => void verdict("approve")}>
                  Approve
                </button>{" "}
                <button type="button" className="secondary" disabled={busy} onClick={() => void verdict("request_changes")}>
                  Request changes
                </button>{" "}
                <button type="button" className="danger" disabled={busy} onClick={() => void verdict("reject")}>
                  Reject
                </button>{" "}
                <button type="button" className="secondary" disabled={busy || !comment.trim()} onClick={() => void verdict("comment")}>
                  Comment
                </button>
              </p>
            </section>
          ) : null}

          {session.may("apply") && ipr.status === "approved" ? (
            <p className="actions">
              <button type="button" disabled={busy} onClick={() => void apply()}>
                {busy ? "Applying…" : "Apply the approved plan"}
              </button>
            </p>
          ) : null}
          {mayClose ? (
            <p className="actions">
              <button type="button" className="secondary" disabled={busy} onClick={() => void act(`You closed IPR #${id}.`, () => closeIpr(id, comment))}>
                Close this IPR
              </button>
            </p>
          ) : null}
          <div aria-live="polite">
            {said ? (
              <p role="status" className="ok">
                {said}
              </p>
            ) : null}
          </div>
          <ProblemView error={failure} title="Refused" />

          <section aria-labelledby="revisions-heading">
            <h2 id="revisions-heading">Revisions</h2>
            {revisions.length ? (
              <ol className="revisions">
                {revisions.map((e) => (
                  <li key={e.id}>
                    Revision {String(e.data.revision ?? "?")}: plan{" "}
                    <Link to={`/plans/${String(e.data.plan_id)}`}>{String(e.data.plan_id).slice(0, 12)}</Link>, hash{" "}
                    <code>{String(e.data.hash ?? "").slice(0, 12)}</code>, by {e.actor}, <Time at={e.at} />
                  </li>
                ))}
              </ol>
            ) : (
              <p>Revision {ipr.revision}: plan {ipr.plan.plan_id.slice(0, 12)}.</p>
            )}
          </section>

          <section aria-labelledby="audit-heading">
            <h2 id="audit-heading">Audit trail</h2>
            <ProblemView error={audit.error} />
            {audit.data?.partial ? <p className="note">Only this stack's latest {AUDIT_WINDOW} events were searched.</p> : null}
            {audit.data ? <EventTable events={audit.data.events} label={`Audit trail of IPR #${ipr.id}`} /> : null}
          </section>
        </>
      ) : null}
    </Page>
  );
}
