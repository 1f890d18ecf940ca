// Who is signed in: the key's holder and role, from `GET /api/v1/whoami`. The UI shows only the controls
// the role permits (the generated role table, from the server's own), and the API refuses the rest anyway.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { whenUnauthorized } from "../api/client";
import { whoami } from "../api/endpoints";
import { PERMISSIONS, type Permission, type Role } from "../api/roles";
import { forgetKey, storedHolder, storedKey, storeHolder, storeKey } from "../api/session";
import type { Whoami } from "../api/views";

export interface Session {
  name: string;
  role: Role;
  key: string;
  may(permission: Permission): boolean;
}

interface SessionState {
  session: Session | null;
  /** True while a stored key is being checked at start-up. */
  checking: boolean;
  /** Why the last session ended, when the server ended it (a revoked key). */
  ended: string | null;
  signIn(key: string): Promise<void>;
  signOut(reason?: string): void;
}

const Context = createContext<SessionState | null>(null);

export function sessionOf(who: Whoami, key: string): Session {
  const role = (who.role in PERMISSIONS ? who.role : "viewer") as Role; // an unknown role may only look
  const allowed = new Set<Permission>(PERMISSIONS[role]);
  return { name: who.name, role, key, may: (p) => allowed.has(p) };
}

/** The session this tab had (key and holder in session storage), shown at once and checked again. */
function remembered(): Session | null {
  const key = storedKey();
  const holder = storedHolder();
  return key && holder ? sessionOf(holder, key) : null;
}

export function SessionProvider({ children, initial = null }: { children: ReactNode; initial?: Session | null }) {
  const [session, setSession] = useState<Session | null>(() => initial ?? remembered());
  const [checking, setChecking] = useState(() => initial === null && storedKey() !== null && storedHolder() === null);
  const [ended, setEnded] = useState<string | null>(null);

  const signOut = useCallback((reason?: string) => {
    forgetKey();
    setSession(null);
    setEnded(reason ?? null);
  }, []);

  const signIn = useCallback(async (key: string) => {
    const who = await whoami(key);
    storeKey(key);
    storeHolder(who);
    setEnded(null);
    setSession(sessionOf(who, key));
  }, []);

  useEffect(() => {
    whenUnauthorized(() => signOut("the server no longer accepts this key (unknown or revoked); sign in again"));
    return () => whenUnauthorized(null);
  }, [signOut]);

  useEffect(() => {
    const key = storedKey();
    if (initial !== null || key === null) return;
    // Checked again on every load: a revoked key signs the tab out (the client's 401 hook), a changed
    // holder is shown as the server says.
    whoami(key)
      .then((who) => {
        storeHolder(who);
        setSession(sessionOf(who, key));
      })
      .catch(() => {
        forgetKey();
        setSession(null);
      })
      .finally(() => setChecking(false));
  }, [initial]);

  const value = useMemo(() => ({ session, checking, ended, signIn, signOut }), [session, checking, ended, signIn, signOut]);
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useSessionState(): SessionState {
  const found = useContext(Context);
  if (found === null) throw new Error("useSessionState outside SessionProvider");
  return found;
}

/** The signed-in session (pages render only inside a signed-in layout). */
export function useSession(): Session {
  const { session } = useSessionState();
  if (session === null) throw new Error("useSession without a signed-in session");
  return session;
}
