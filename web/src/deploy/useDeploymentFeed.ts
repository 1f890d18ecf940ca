// A deployment followed live: its record and plan (for the resources still pending), then its events
// over the WebSocket (resumed from the last event id when the connection drops), then what comes after
// the final event — verification, and an automatic rollback's deployment — read back over REST.
import { useEffect, useReducer, useState } from "react";
import { deployment as loadDeployment, deploymentEvents, history, plan as loadPlan } from "../api/endpoints";
import { followDeployment, type FeedStatus } from "../api/live";
import type { AlmaEvent, Deployment, Plan } from "../api/views";
import { useSession } from "../auth/session";
import { fold, initialProgress, type Progress } from "./progress";

export interface Feed {
  deployment: Deployment | null;
  plan: Plan | null;
  progress: Progress;
  status: FeedStatus | null;
  error: unknown;
  /** The deployment an automatic rollback made after this one failed verification. */
  rollback: Deployment | null;
  /** True once everything there is to know has been read. */
  settled: boolean;
}

type Action = { kind: "reset"; plan: Plan | null } | { kind: "events"; events: AlmaEvent[] };

function reducer(progress: Progress, action: Action): Progress {
  if (action.kind === "reset") return initialProgress(action.plan?.actions ?? []);
  return fold(progress, action.events);
}

const FINISHED = new Set(["succeeded", "failed", "abandoned", "rolled_back"]);
const VERIFY_WAIT_MS = 10_000;
const VERIFY_POLL_MS = 300;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function useDeploymentFeed(deploymentId: string): Feed {
  const { key } = useSession();
  const [progress, dispatch] = useReducer(reducer, undefined, () => initialProgress());
  const [record, setRecord] = useState<Deployment | null>(null);
  const [plan, setPlan] = useState<Plan | null>(null);
  const [status, setStatus] = useState<FeedStatus | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [rollback, setRollback] = useState<Deployment | null>(null);
  const [settled, setSettled] = useState(false);

  useEffect(() => {
    let cancelled = false;
    let stop: (() => void) | null = null;
    let last = 0;
    let local = initialProgress();
    const take = (events: AlmaEvent[]) => {
      const fresh = events.filter((e) => e.id > last);
      if (!fresh.length || cancelled) return;
      last = fresh.at(-1)!.id;
      local = fold(local, fresh);
      dispatch({ kind: "events", events: fresh });
    };

    // After the final event: verification, then an automatic rollback, read back (bounded waits).
    const afterwards = async () => {
      const deadline = Date.now() + VERIFY_WAIT_MS;
      while (!cancelled && local.outcome === "succeeded" && local.verified === null && Date.now() < deadline) {
        take(await deploymentEvents(deploymentId, last));
        if (local.verified === null) await pause(VERIFY_POLL_MS);
      }
      const latest = await loadDeployment(deploymentId);
      const found = "deployment_id" in latest ? latest : null;
      if (cancelled || found === null) return;
      setRecord(found);
      if (local.verified === false) {
        // A rollback starts right after the failed verification: wait for it only when that was just now.
        const recent = found.finished_at !== null && Date.now() - Date.parse(found.finished_at) < 30_000;
        const rollbackDeadline = Date.now() + (recent ? VERIFY_WAIT_MS : 0);
        for (;;) {
          const made = (await history(found.stack)).find((d) => d.revision === found.revision + 1 && d.kind === "rollback");
          if (made) {
            setRollback(made);
            break;
          }
          if (cancelled || Date.now() >= rollbackDeadline) break;
          await pause(VERIFY_POLL_MS);
        }
      }
      if (!cancelled) setSettled(true);
    };

    (async () => {
      setSettled(false);
      setRollback(null);
      // The record and the events so far come together; the plan (for the resources still pending) after.
      const [[known, shown], sofar] = await Promise.all([
        loadDeployment(deploymentId).then(async (found) => {
          const record = "deployment_id" in found ? found : null;
          return [record, record?.plan_id ? await loadPlan(record.plan_id) : null] as const;
        }),
        deploymentEvents(deploymentId),
      ]);
      if (cancelled) return;
      setRecord(known);
      setPlan(shown);
      local = initialProgress(shown?.actions ?? []);
      dispatch({ kind: "reset", plan: shown });
      take(sofar);
      if (known && FINISHED.has(known.status)) {
        setStatus({ state: "ended" }); // over: read back, nothing to follow
        await afterwards();
        return;
      }
      // Still going: follow it live from the last event read.
      stop = followDeployment(
        deploymentId,
        {
          onEvent: (event) => take([event]),
          onStatus: (next) => {
            setStatus(next);
            if (next.state === "ended" || next.state === "interrupted") {
              void afterwards().catch(setError);
            }
          },
        },
        { key, after: last },
      );
    })().catch((failure: unknown) => {
      if (!cancelled) setError(failure);
    });
    return () => {
      cancelled = true;
      stop?.();
    };
  }, [deploymentId, key]);

  return { deployment: record, plan, progress, status, error, rollback, settled };
}
