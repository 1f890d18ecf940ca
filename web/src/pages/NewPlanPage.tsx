// A blueprint pasted or loaded from a file becomes a plan (stored and hashed by the server); validation
// first when asked, every problem at once with its line and column.
import { useState, type ChangeEvent, type FormEvent } from "react";
import { useNavigate } from "react-router";
import { planBlueprint, validate } from "../api/endpoints";
import { useSession } from "../auth/session";
import { Page } from "../components/Page";
import { ProblemView } from "../components/Problem";

type Diagnostics = Awaited<ReturnType<typeof validate>>;

export default function NewPlanPage() {
  const session = useSession();
  const navigate = useNavigate();
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const [checked, setChecked] = useState<Diagnostics | null>(null);

  const load = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (file) setText(await file.text());
  };

  const check = async () => {
    setBusy(true);
    setFailure(null);
    try {
      setChecked(await validate(text));
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };

  const plan = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    setChecked(null);
    try {
      const made = await planBlueprint(text);
      navigate(`/plans/${made.plan_id}`, { state: { warnings: made.warnings ?? [] } });
    } catch (error) {
      setFailure(error);
      setBusy(false);
    }
  };

  if (!session.may("plan") && !session.may("read")) return null;
  return (
    <Page title="Plan a blueprint" busy={false}>
      <form onSubmit={plan} className="blueprint-form">
        <label htmlFor="blueprint">Blueprint (YAML or JSON)</label>
        <textarea id="blueprint" rows={16} spellCheck={false} value={text} onChange={(e) => setText(e.target.value)} aria-describedby="blueprint-help" />
        <p id="blueprint-help" className="help">
          The same file <code>alma plan FILE</code> reads. Planning stores the plan and its hash; nothing is applied here.
        </p>
        <label htmlFor="blueprint-file">Or load a file</label>
        <input id="blueprint-file" type="file" accept=".yaml,.yml,.json,text/yaml,application/json" onChange={(e) => void load(e)} />
        <p className="actions">
          <button type="button" className="secondary" onClick={() => void check()} disabled={busy || !text.trim()}>
            Validate
          </button>{" "}
          {session.may("plan") ? (
            <button type="submit" disabled={busy || !text.trim()}>
              {busy ? "Working…" : "Plan"}
            </button>
          ) : (
            <span className="note">Your role ({session.role}) may validate but not plan.</span>
          )}
        </p>
      </form>
      <ProblemView error={failure} title="The blueprint cannot be planned" />
      {checked ? (
        <div role="status" className={checked.valid ? "ok" : "problem"}>
          {checked.valid ? <p>The blueprint is valid.</p> : <p>The blueprint has {checked.errors.length} problem(s):</p>}
          <ul>
            {[...checked.errors, ...checked.warnings].map((d, i) => (
              <li key={i}>
                {d.line ? `line ${d.line}${d.column ? `:${d.column}` : ""}: ` : ""}
                {d.path ? <code>{d.path}</code> : null} {d.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </Page>
  );
}
