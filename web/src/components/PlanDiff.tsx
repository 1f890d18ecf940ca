// A plan as Terraform users read it (the same symbols and words as `alma plan`): one block per resource,
// replaces and deletes marked in words and colour, the approval policy's reasons first.
import { useState } from "react";
import type { ActionKind, Plan, PlanAction } from "../api/views";

// A plan of hundreds of changes shows every replace and delete (what a reviewer must not miss) and the
// first of its other changes, and the field lines of its first blocks only, until asked for the rest.
const SHOWN_AT_FIRST = 100;
const DETAILED_AT_FIRST = 100;

export const SYMBOLS: Record<ActionKind, string> = { create: "+", update: "~", replace: "-/+", delete: "-", noop: " " };
export const VERBS: Record<ActionKind, string> = {
  create: "will be created",
  update: "will be updated in place",
  replace: "must be replaced",
  delete: "will be destroyed",
  noop: "is up to date",
};

const value = (v: unknown) => JSON.stringify(v);

export function describe(plan: Plan): string {
  switch (plan.kind) {
    case "destroy":
      return `destroy stack '${plan.stack}'`;
    case "rollback":
      return `roll stack '${plan.stack}' back to revision ${plan.target_revision}`;
    case "import":
      return `import into stack '${plan.stack}'`;
    case "operation":
      return `change stack '${plan.stack}'`;
    default:
      return `apply stack '${plan.stack}'`;
  }
}

export function summaryLine(plan: Plan): string {
  const n = (kind: ActionKind) => plan.summary[kind] ?? 0;
  return `Plan: ${n("create")} to add, ${n("update")} to change, ${n("replace")} to replace, ${n("delete")} to destroy, ${n("noop")} unchanged.`;
}

function Lines({ action }: { action: PlanAction }) {
  if (action.action === "create" && action.after) {
    const shown = Object.entries(action.after)
      .filter(([, v]) => !(v === null || (Array.isArray(v) && v.length === 0) || (typeof v === "object" && v !== null && Object.keys(v).length === 0)))
      .sort(([a], [b]) => a.localeCompare(b));
    return (
      <ul className="diff-lines">
        {shown.map(([k, v]) => (
          <li key={k} className="line-add">
            <span aria-hidden="true">+ </span>
            {k} = <code>{value(v)}</code>
          </li>
        ))}
      </ul>
    );
  }
  if (action.action === "delete" && action.before) {
    return (
      <ul className="diff-lines">
        {Object.entries(action.before)
          .filter(([, v]) => v !== null)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([k, v]) => (
            <li key={k} className="line-remove">
              <span aria-hidden="true">- </span>
              {k} = <code>{value(v)}</code>
            </li>
          ))}
      </ul>
    );
  }
  if (action.action === "update" || action.action === "replace") {
    return (
      <ul className="diff-lines">
        {action.changes.map((c) => (
          <li key={c.path} className={c.forces_replace ? "line-replace" : "line-change"}>
            <span aria-hidden="true">~ </span>
            {c.path}: <code>{value(c.before)}</code> → <code>{value(c.after)}</code>
            {c.forces_replace ? <strong className="forces"> forces replacement</strong> : null}
          </li>
        ))}
      </ul>
    );
  }
  return null;
}

export function PlanDiff({ plan, showUnchanged = false }: { plan: Plan; showUnchanged?: boolean }) {
  const [all, setAll] = useState(false);
  const changed = plan.actions.filter((a) => a.action !== "noop");
  let others = 0;
  const shown = all
    ? changed
    : changed.filter((a) => a.action === "replace" || a.action === "delete" || ++others <= SHOWN_AT_FIRST);
  const hidden = changed.length - shown.length;
  const undetailed = all ? 0 : Math.max(0, shown.length - DETAILED_AT_FIRST);
  const unchanged = plan.actions.filter((a) => a.action === "noop");
  const reasons = plan.approval_reasons ?? [];
  return (
    <div className="plan">
      <p className="plan-head">
        {changed.length === 0 ? (
          <>
            No changes. Stack <strong>{plan.stack}</strong> matches the desired state (revision {plan.base_revision}).
          </>
        ) : (
          <>
            Plan <code>{plan.plan_id}</code> to {describe(plan)} (from revision {plan.base_revision}); hash{" "}
            <code title={plan.hash}>{plan.hash.slice(0, 12)}</code>
          </>
        )}
      </p>
      {reasons.length ? (
        <div className="approval-reasons" role="note" aria-label="Why this plan needs approval">
          <strong>Needs an approved IPR:</strong>
          <ul>
            {reasons.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {changed.length ? (
        <ol className="diff" aria-label="Changes by resource">
          {shown.map((a, index) => (
            <li key={a.resource} className={`diff-block diff-${a.action}`} data-action={a.action}>
              <p className="diff-head">
                <span className="symbol" aria-hidden="true">
                  {SYMBOLS[a.action]}
                </span>{" "}
                <strong>{a.resource}</strong> ({a.type}, {a.provider}) <span className="verb">{VERBS[a.action]}</span>
                {a.reason ? <span className="reason"> — {a.reason}</span> : null}
              </p>
              {all || index < DETAILED_AT_FIRST ? <Lines action={a} /> : null}
            </li>
          ))}
        </ol>
      ) : null}
      {hidden > 0 || undetailed > 0 ? (
        <p>
          <button type="button" className="secondary" onClick={() => setAll(true)}>
            {hidden > 0 ? `Show the other ${hidden} changes` : `Show the fields of all ${shown.length} changes`}
          </button>
        </p>
      ) : null}
      {showUnchanged && unchanged.length ? (
        <details>
          <summary>{unchanged.length} unchanged</summary>
          <ul>
            {unchanged.map((a) => (
              <li key={a.resource}>
                {a.resource} ({a.type}, {a.provider})
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      <p className="plan-summary">{summaryLine(plan)}</p>
      {plan.warnings?.length ? (
        <ul className="warnings" aria-label="Warnings">
          {plan.warnings.map((w, i) => (
            <li key={i}>
              {w.path ? <code>{w.path}</code> : null} {w.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
