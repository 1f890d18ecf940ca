// Sign-in with an API key (`alma keys create --role ... --name ...` prints one). The key is checked with
// the server before it is kept, in session storage only; the form never puts it in a URL.
import { useEffect, useRef, useState, type FormEvent } from "react";
import { messageOf } from "../api/client";
import { useSessionState } from "./session";

export function SignIn() {
  const { signIn, ended } = useSessionState();
  const [key, setKey] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = "Sign in · ALMA";
    heading.current?.focus();
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const given = key.trim();
    if (!given) {
      setError("enter an API key: `alma keys create --role viewer --name NAME` prints one");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await signIn(given);
    } catch (failure) {
      setError(messageOf(failure));
      setBusy(false);
    }
  };

  return (
    <main id="main" className="signin">
      <h1 tabIndex={-1} ref={heading}>
        Sign in to ALMA
      </h1>
      {ended ? <p role="status">{ended}</p> : null}
      <form method="post" action="#" onSubmit={submit} noValidate>
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={key}
          onChange={(e) => setKey(e.target.value)}
          aria-describedby="api-key-help"
          aria-invalid={error ? true : undefined}
        />
        <p id="api-key-help" className="help">
          A key from <code>alma keys create</code>. It is kept in this tab only (session storage) and sent as a
          header.
        </p>
        <button type="submit" disabled={busy}>
          {busy ? "Checking…" : "Sign in"}
        </button>
        {error ? (
          <p role="alert" className="problem">
            {error}
          </p>
        ) : null}
      </form>
    </main>
  );
}
