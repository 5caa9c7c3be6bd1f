import { lazy, Suspense } from "react";
import { Navigate, Route, Routes, useLocation } from "react-router";
import { useUser } from "./lib/auth";
import { Layout } from "./components/Layout";
import { Loading } from "./components/States";
import { LoginPage } from "./pages/Login";
import { TracesPage } from "./pages/Traces";
import { TraceDetailPage } from "./pages/TraceDetail";
import { SettingsPage } from "./pages/Settings";

// Chart-heavy and less used pages load on demand.
const OverviewPage = lazy(() => import("./pages/Overview").then((m) => ({ default: m.OverviewPage })));
const CostPage = lazy(() => import("./pages/Cost").then((m) => ({ default: m.CostPage })));
const SessionsPage = lazy(() => import("./pages/Sessions").then((m) => ({ default: m.SessionsPage })));
const SessionDetailPage = lazy(() => import("./pages/SessionDetail").then((m) => ({ default: m.SessionDetailPage })));
const LivePage = lazy(() => import("./pages/Live").then((m) => ({ default: m.LivePage })));
const SecurityPage = lazy(() => import("./pages/Security").then((m) => ({ default: m.SecurityPage })));

function RequireUser({ children }: { children: React.ReactNode }) {
  const user = useUser();
  const loc = useLocation();
  if (!user) return <Navigate to={`/login?next=${encodeURIComponent(loc.pathname + loc.search)}`} replace />;
  return <>{children}</>;
}

export function App() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route
        element={
          <RequireUser>
            <Layout />
          </RequireUser>
        }
      >
        <Route index element={<Lazy><OverviewPage /></Lazy>} />
        <Route path="traces" element={<TracesPage />} />
        <Route path="traces/:traceId" element={<TraceDetailPage />} />
        <Route path="sessions" element={<Lazy><SessionsPage /></Lazy>} />
        <Route path="sessions/:sessionId" element={<Lazy><SessionDetailPage /></Lazy>} />
        <Route path="live" element={<Lazy><LivePage /></Lazy>} />
        <Route path="security" element={<Lazy><SecurityPage /></Lazy>} />
        <Route path="cost" element={<Lazy><CostPage /></Lazy>} />
        <Route path="settings" element={<SettingsPage />} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}

function Lazy({ children }: { children: React.ReactNode }) {
  return <Suspense fallback={<Loading />}>{children}</Suspense>;
}

function NotFound() {
  return (
    <div className="page">
      <h1>Not found</h1>
      <p className="muted">There is no page at this address.</p>
    </div>
  );
}
