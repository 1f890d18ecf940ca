// The shell: sign-in until a key is accepted, then a header (who acts, with what role), the navigation,
// and the pages, each loaded when first opened so the first load stays small.
import { lazy, Suspense } from "react";
import { NavLink, Navigate, Route, Routes } from "react-router";
import { SignIn } from "./auth/SignIn";
import { useSessionState } from "./auth/session";

const ChatPage = lazy(() => import("./pages/ChatPage"));
const StacksPage = lazy(() => import("./pages/StacksPage"));
const StackPage = lazy(() => import("./pages/StackPage"));
const NewPlanPage = lazy(() => import("./pages/NewPlanPage"));
const PlanPage = lazy(() => import("./pages/PlanPage"));
const IprsPage = lazy(() => import("./pages/IprsPage"));
const IprPage = lazy(() => import("./pages/IprPage"));
const DeploymentsPage = lazy(() => import("./pages/DeploymentsPage"));
const DeploymentPage = lazy(() => import("./pages/DeploymentPage"));
const EnginesPage = lazy(() => import("./pages/EnginesPage"));
const EventsPage = lazy(() => import("./pages/EventsPage"));

// The top-level paths of the UI; `alma serve` answers these with index.html (alma.api.webui.UI_ROUTES).
export const NAVIGATION = [
  { to: "/chat", label: "Chat" },
  { to: "/stacks", label: "Stacks" },
  { to: "/plans/new", label: "Plan" },
  { to: "/iprs", label: "IPRs" },
  { to: "/deployments", label: "Deployments" },
  { to: "/engines", label: "Engines" },
  { to: "/events", label: "Events" },
] as const;

export function App() {
  const { session, checking, signOut } = useSessionState();
  if (checking) {
    return (
      <main id="main" aria-busy="true">
        <p>Checking your key…</p>
      </main>
    );
  }
  if (session === null) return <SignIn />;
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <span className="brand">ALMA</span>
        <nav aria-label="Main">
          <ul>
            {NAVIGATION.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to}>{item.label}</NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="whoami">
          <span data-testid="acting-as">
            {session.name} <span className="role">({session.role})</span>
          </span>
          <button type="button" className="link-button" onClick={() => signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main">
        <Suspense fallback={<p aria-busy="true">Loading…</p>}>
          <Routes>
            <Route path="/" element={<Navigate to={session.may("plan") ? "/chat" : "/stacks"} replace />} />
            <Route path="/signin" element={<Navigate to="/" replace />} />
            <Route path="/chat" element={<ChatPage />} />
            <Route path="/stacks" element={<StacksPage />} />
            <Route path="/stacks/:stack" element={<StackPage />} />
            <Route path="/plans/new" element={<NewPlanPage />} />
            <Route path="/plans/:planId" element={<PlanPage />} />
            <Route path="/iprs" element={<IprsPage />} />
            <Route path="/iprs/:iprId" element={<IprPage />} />
            <Route path="/deployments" element={<DeploymentsPage />} />
            <Route path="/deployments/:deploymentId" element={<DeploymentPage />} />
            <Route path="/engines" element={<EnginesPage />} />
            <Route path="/events" element={<EventsPage />} />
            <Route path="*" element={<NotFound />} />
          </Routes>
        </Suspense>
      </main>
    </>
  );
}

function NotFound() {
  return (
    <section className="page">
      <h1>Not found</h1>
      <p>This page does not exist. Choose one from the navigation.</p>
    </section>
  );
}
