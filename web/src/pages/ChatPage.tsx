// Chat: requests in plain language become plans shown here; "Confirm" (bound to the plan's id and hash
// through the server's token) applies one, and its progress follows live. A plan the approval policy
// gates opens an IPR instead; a blocked request shows the safe next step. Nothing is applied that the
// user has not seen: the confirm button sits under the plan it confirms.
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import { Link } from "react-router";
import { messageOf } from "../api/client";
import type { ChatTurn, Problem } from "../api/views";
import { useSession } from "../auth/session";
import { confirms, runChat } from "../chat/conversation";
import { Badge } from "../components/Badge";
import { Page } from "../components/Page";
import { PlanDiff } from "../components/PlanDiff";
import { Scroll } from "../components/Scroll";
import { LiveDeployment } from "../deploy/LiveDeployment";
import { startRun } from "../deploy/runs";

const SESSION_KEY = "alma.chatSession";

interface Said {
  id: number;
  from: "you" | "alma";
  text: string;
  turn?: ChatTurn;
  problem?: string;
  notice?: Problem;
  deploymentId?: string | null;
  pending?: boolean;
}

function Turn({ said, latest, onConfirm, canApply, busy }: { said: Said; latest: boolean; onConfirm(turn: ChatTurn): void; canApply: boolean; busy: boolean }) {
  const turn = said.turn;
  return (
    <article className="turn turn-alma" aria-label="ALMA said">
      <header className="turn-meta">
        {turn ? (
          <>
            <Badge value={turn.persona} tone="plain" /> <span>intent: {turn.intent}</span>
            {turn.risk ? (
              <span className="risk">
                {" "}
                risk: <Badge value={turn.risk.decision} /> {turn.risk.reason}
                {turn.risk.frustration > 0 ? ` (frustration ${turn.risk.frustration.toFixed(2)})` : ""}
              </span>
            ) : null}
          </>
        ) : (
          <span>{said.pending ? "ALMA is answering…" : "ALMA"}</span>
        )}
      </header>
      <p className="reply">{said.text || (said.pending ? "…" : "")}</p>
      {said.problem ? (
        <p role="alert" className="problem">
          {said.problem}
        </p>
      ) : null}
      {said.notice ? <p className="note">The model could not phrase this reply: {said.notice.detail}</p> : null}
      {turn?.risk?.decision === "block" && turn.risk.next_step ? (
        <p className="next-step">
          <strong>Safe next step:</strong> {turn.risk.next_step}
        </p>
      ) : null}
      {turn?.listings.map((listing) => (
        <Scroll key={listing.title} label={listing.title}>
          <table>
            <caption>{listing.title}</caption>
            <thead>
              <tr>
                {listing.columns.map((c) => (
                  <th key={c} scope="col">
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {listing.rows.map((row, i) => (
                <tr key={i}>
                  {row.map((cell, j) => (
                    <td key={j}>{String(cell ?? "")}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      ))}
      {turn?.blueprint ? (
        <details>
          <summary>Blueprint</summary>
          <pre>{turn.blueprint}</pre>
        </details>
      ) : null}
      {turn?.plan && turn.outcome !== "applied" ? <PlanDiff plan={turn.plan} /> : null}
      {turn?.plan && turn.risk?.token && turn.outcome === "planned" && latest ? (
        canApply ? (
          <p className="actions">
            <button type="button" onClick={() => onConfirm(turn)} disabled={busy}>
              Confirm and apply this plan
            </button>{" "}
            <Link to={`/plans/${turn.plan.plan_id}`}>Open the plan</Link>
          </p>
        ) : (
          <p className="note">Your role may not apply plans; someone who may can confirm it.</p>
        )
      ) : null}
      {turn?.ipr ? (
        <p className="actions">
          <Link to={`/iprs/${turn.ipr}`}>IPR #{turn.ipr}</Link> was opened for this plan: it is applied once approved.
        </p>
      ) : null}
      {said.deploymentId ? <LiveDeployment deploymentId={said.deploymentId} /> : null}
      {turn?.run && !said.deploymentId ? (
        <p>
          Run: <Badge value={turn.run.outcome} />{" "}
          {turn.run.stack ? <Link to={`/stacks/${encodeURIComponent(turn.run.stack)}`}>stack {turn.run.stack}</Link> : null}
        </p>
      ) : null}
    </article>
  );
}

export default function ChatPage() {
  const session = useSession();
  const [chatSession, setChatSession] = useState<string | null>(() => sessionStorage.getItem(SESSION_KEY));
  const [said, setSaid] = useState<Said[]>([]);
  const [draft, setDraft] = useState("");
  const [busy, setBusy] = useState(false);
  const counter = useRef(0);
  const end = useRef<HTMLDivElement>(null);

  useEffect(() => {
    // (braces: scrollIntoView returns a promise in newer browsers, and an effect may return only a cleanup)
    void end.current?.scrollIntoView?.({ block: "end" });
  }, [said]);

  if (!session.may("plan")) {
    return (
      <Page title="Chat" busy={false}>
        <p>
          Chat plans changes, which your role (<strong>{session.role}</strong>) may not do. The stacks, IPRs,
          deployments and events are yours to read.
        </p>
      </Page>
    );
  }

  const update = (id: number, change: Partial<Said> | ((s: Said) => Partial<Said>)) =>
    setSaid((all) => all.map((s) => (s.id === id ? { ...s, ...(typeof change === "function" ? change(s) : change) } : s)));

  const lastPlanned = (): ChatTurn | null => {
    for (let i = said.length - 1; i >= 0; i--) {
      const turn = said[i]!.turn;
      if (turn) return turn.outcome === "planned" && turn.plan && turn.risk?.token ? turn : null;
    }
    return null;
  };

  const send = async (message: string) => {
    const text = message.trim();
    if (!text || busy) return;
    setBusy(true);
    const mine = ++counter.current;
    const reply = ++counter.current;
    setSaid((all) => [...all, { id: mine, from: "you", text }, { id: reply, from: "alma", text: "", pending: true }]);
    setDraft("");
    const callbacks = {
      onDelta: (delta: string) => update(reply, (s) => ({ text: s.text + delta })),
      onProblem: (notice: Problem) => update(reply, { notice }),
    };
    const confirmed = confirms(text) ? lastPlanned() : null;
    try {
      if (confirmed?.plan) {
        // A confirmation applies the plan: find its deployment as it starts, and follow it live.
        const started = await startRun(confirmed.plan.stack, confirmed.plan.plan_id, () => runChat(text, chatSession, callbacks), (t) => t.run?.deployment_id ?? null);
        update(reply, { deploymentId: started.deploymentId });
        const turn = await started.answer;
        finish(reply, turn);
      } else {
        finish(reply, await runChat(text, chatSession, callbacks));
      }
    } catch (failure) {
      update(reply, { pending: false, problem: messageOf(failure) });
    } finally {
      setBusy(false);
    }
  };

  const finish = (id: number, turn: ChatTurn) => {
    sessionStorage.setItem(SESSION_KEY, turn.session);
    setChatSession(turn.session);
    update(id, (s) => ({ pending: false, turn, text: s.text || turn.reply, deploymentId: s.deploymentId ?? turn.run?.deployment_id ?? null }));
  };

  // Only the latest reply's plan can be confirmed: a later message has moved the conversation on.
  const latestAlma = [...said].reverse().find((s) => s.from === "alma")?.id ?? null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void send(draft);
  };

  const keys = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      void send(draft);
    }
  };

  const restart = () => {
    sessionStorage.removeItem(SESSION_KEY);
    setChatSession(null);
    setSaid([]);
  };

  return (
    <Page
      title="Chat"
      busy={false}
      actions={
        <button type="button" className="secondary" onClick={restart} disabled={busy}>
          New conversation
        </button>
      }
    >
      <div className="transcript" role="log" aria-label="Conversation" aria-live="polite">
        {said.length === 0 ? (
          <p className="hint">
            Say what you need, e.g. “deploy two nginx web servers and a postgres database”, “status of web-app”, or
            “roll back web-app”. Every change is shown as a plan first.
          </p>
        ) : null}
        {said.map((s) =>
          s.from === "you" ? (
            <article key={s.id} className="turn turn-you" aria-label="You said">
              <p>{s.text}</p>
            </article>
          ) : (
            <Turn key={s.id} said={s} latest={s.id === latestAlma} canApply={session.may("apply")} busy={busy} onConfirm={(t) => void send(`confirm ${t.risk!.token}`)} />
          ),
        )}
        <div ref={end} />
      </div>
      <form className="composer" onSubmit={submit}>
        <label htmlFor="chat-message">Message</label>
        <textarea id="chat-message" rows={2} value={draft} onChange={(e) => setDraft(e.target.value)} onKeyDown={keys} maxLength={4000} />
        <button type="submit" disabled={busy || !draft.trim()}>
          {busy ? "Sending…" : "Send"}
        </button>
      </form>
      {chatSession ? <p className="help">Session {chatSession}</p> : null}
    </Page>
  );
}
