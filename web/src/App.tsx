// The shell: sign-in until a key is accepted, then a header (who acts, with what role), the navigation,
// and the pages, each loaded when first opened so the first load stays small.
import { lazy, Suspense } from "react";
import { NavLink, Navigate, Route, Routes } from "react-router";
import { SignIn } from "./auth/SignIn";
import { useSessionState } from "./auth/session";

// Each page is its own chunk. The one the address names starts loading with the app itself, not after it.
const PAGES = {
  chat: () => import("./pages/ChatPage"),
  stacks: () => import("./pages/StacksPage"),
  stack: () => import("./pages/StackPage"),
  newPlan: () => import("./pages/NewPlanPage"),
  plan: () => import("./pages/PlanPage"),
  iprs: () => import("./pages/IprsPage"),
  ipr: () => import("./pages/IprPage"),
  deployments: () => import("./pages/DeploymentsPage"),
  deployment: () => import("./pages/DeploymentPage"),
  engines: () => import("./pages/EnginesPage"),
  events: () => import("./pages/EventsPage"),
};

export function pageFor(path: string): keyof typeof PAGES | null {
  const [first = "", second] = path.split("/").filter(Boolean);
  if (first === "stacks" || first === "iprs" || first === "deployments") {
    return second ? (({ stacks: "stack", iprs: "ipr", deployments: "deployment" }) as const)[first] : first;
  }
  if (first === "plans") return second === "new" ? "newPlan" : second ? "plan" : null;
  if (first === "chat" || first === "engines" || first === "events") return first;
  return null;
}

const early = pageFor(window.location.pathname);
if (early) void PAGES[early]();

const ChatPage = lazy(PAGES.chat);
const StacksPage = lazy(PAGES.stacks);
const StackPage = lazy(PAGES.stack);
const NewPlanPage = lazy(PAGES.newPlan);
const PlanPage = lazy(PAGES.plan);
const IprsPage = lazy(PAGES.iprs);
const IprPage = lazy(PAGES.ipr);
const DeploymentsPage = lazy(PAGES.deployments);
const DeploymentPage = lazy(PAGES.deployment);
const EnginesPage = lazy(PAGES.engines);
const EventsPage = lazy(PAGES.events);

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
