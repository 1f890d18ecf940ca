// One plan: its Terraform-style diff and why it needs approval. A plan the policy lets through is applied
// here (and followed live); one it gates is opened as an IPR, for someone else to approve.
import { useState, type FormEvent } from "react";
import { useLocation, useNavigate, useParams } from "react-router";
import { applyPlan, openIpr, plan as loadPlan, runSaid } from "../api/endpoints";
import type { Plan, RunAnswer } from "../api/views";
import { useSession } from "../auth/session";
import { Page } from "../components/Page";
import { describe, PlanDiff } from "../components/PlanDiff";
import { ProblemView } from "../components/Problem";
import { useLoad } from "../components/useLoad";
import { startRun } from "../deploy/runs";

function IprForm({ plan }: { plan: Plan }) {
  const navigate = useNavigate();
  const [title, setTitle] = useState(() => describe(plan).replace(/^./, (c) => c.toUpperCase()));
  const [description, setDescription] = useState("");
  const [reviewers, setReviewers] = useState("");
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    try {
      const names = reviewers.split(",").map((r) => r.trim()).filter(Boolean);
      const opened = await openIpr({ plan_id: plan.plan_id, title: title.trim() || undefined, description, reviewers: names });
      navigate(`/iprs/${opened.id}`);
    } catch (error) {
      setFailure(error);
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} className="ipr-form" aria-labelledby="open-ipr">
      <h2 id="open-ipr">Open an IPR for this plan</h2>
      <label htmlFor="ipr-title">Title</label>
      <input id="ipr-title" value={title} onChange={(e) => setTitle(e.target.value)} />
      <label htmlFor="ipr-description">Description</label>
      <textarea id="ipr-description" rows={3} value={description} onChange={(e) => setDescription(e.target.value)} />
      <label htmlFor="ipr-reviewers">Reviewers (names, comma-separated; optional)</label>
      <input id="ipr-reviewers" value={reviewers} onChange={(e) => setReviewers(e.target.value)} />
      <p className="actions">
        <button type="submit" disabled={busy}>
          {busy ? "Opening…" : "Open IPR"}
        </button>
      </p>
      <ProblemView error={failure} />
    </form>
  );
}

export default function PlanPage() {
  const { planId = "" } = useParams();
  const session = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const found = useLoad(() => loadPlan(planId), [planId]);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const [answer, setAnswer] = useState<RunAnswer | null>(null);
  const warnings = (location.state as { warnings?: Plan["warnings"] } | null)?.warnings;
  const plan = found.data ? { ...found.data, ...(warnings?.length ? { warnings } : {}) } : null;
  const gated = (plan?.approval_reasons ?? []).length > 0;
  const changes = plan ? plan.actions.some((a) => a.action !== "noop") : false;

  const apply = async () => {
    if (!plan) return;
    setBusy(true);
    setFailure(null);
    try {
      const started = await startRun(plan.stack, plan.plan_id, () => applyPlan(plan.plan_id), (a) => a.deployment_id);
      if (started.deploymentId) {
        navigate(`/deployments/${started.deploymentId}`);
        return;
      }
      setAnswer(await started.answer);
    } catch (error) {
      setFailure(error);
    }
    setBusy(false);
  };

  return (
    <Page title={plan ? `Plan for ${plan.stack}` : "Plan"} busy={found.loading}>
      <ProblemView error={found.error} />
      {plan ? <PlanDiff plan={plan} showUnchanged /> : null}
      {plan && changes && !gated ? (
        session.may("apply") ? (
          <p className="actions">
            <button type="button" onClick={() => void apply()} disabled={busy}>
              {busy ? "Applying…" : "Apply this plan"}
            </button>
          </p>
        ) : (
          <p className="note">Your role ({session.role}) may not apply plans.</p>
        )
      ) : null}
      {plan && changes && gated ? (
        session.may("plan") ? (
          <IprForm plan={plan} />
        ) : (
          <p className="note">This plan needs an approved IPR; your role ({session.role}) may not open one.</p>
        )
      ) : null}
      <ProblemView error={failure} title="The plan was not applied" />
      {answer ? (
        <p role="status">{runSaid(answer)}</p>
      ) : null}
    </Page>
  );
}
