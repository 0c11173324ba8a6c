import { lazy, Suspense } from "react";
import { createBrowserRouter } from "react-router";
import { RequireAuth } from "./auth/RequireAuth";
import { AppShell, type ShellHandle } from "./components/AppShell";
import { RouteError } from "./components/RouteError";
import { Spinner } from "./components/states";
import { AccountPage } from "./pages/AccountPage/AccountPage";
import { AdminPage } from "./pages/AdminPage/AdminPage";
import { AuditPage } from "./pages/AuditPage/AuditPage";
import { BuildDetailPage } from "./pages/BuildDetailPage/BuildDetailPage";
import { BuildsPage } from "./pages/BuildsPage/BuildsPage";
import { DashboardPage } from "./pages/DashboardPage/DashboardPage";
import { DeviceApprovePage } from "./pages/DeviceApprovePage/DeviceApprovePage";
import { HealthPage } from "./pages/HealthPage/HealthPage";
import { JoinWorkspacePage } from "./pages/JoinWorkspacePage/JoinWorkspacePage";
import { MembersPage } from "./pages/MembersPage/MembersPage";
import { NotFoundPage } from "./pages/NotFoundPage/NotFoundPage";
import { RecoverPage } from "./pages/RecoverPage/RecoverPage";
import { SecretsPage } from "./pages/SecretsPage/SecretsPage";
import { SessionDetailPage } from "./pages/SessionDetailPage/SessionDetailPage";
import { SessionsPage } from "./pages/SessionsPage/SessionsPage";
import { SignInPage } from "./pages/SignInPage/SignInPage";
import { SignUpPage } from "./pages/SignUpPage/SignUpPage";
import { TemplateDetailPage } from "./pages/TemplateDetailPage/TemplateDetailPage";
import { TemplatesPage } from "./pages/TemplatesPage/TemplatesPage";
import { UsagePage } from "./pages/UsagePage/UsagePage";
import { WorkspaceSettingsPage } from "./pages/WorkspaceSettingsPage/WorkspaceSettingsPage";

// The workbench pulls in xterm and (lazily again) Monaco: its own chunk, loaded on first visit.
const WorkbenchPage = lazy(() => import("./pages/WorkbenchPage/WorkbenchPage").then((m) => ({ default: m.WorkbenchPage })));

const fullBleed: ShellHandle = { fullBleed: true };

/**
 * Route table. Pages inside AppShell get the sidebar and header; each area adds its routes
 * as single lines in the children list (public pages such as sign-in go beside AppShell).
 */
export const router = createBrowserRouter([
  {
    path: "/",
    element: (
      <RequireAuth>
        <AppShell />
      </RequireAuth>
    ),
    errorElement: <RouteError />,
    children: [
      { index: true, element: <DashboardPage /> },
      { path: "sessions", element: <SessionsPage /> },
      { path: "sessions/:id", element: <SessionDetailPage /> },
      {
        path: "sessions/:id/workbench",
        handle: fullBleed,
        element: (
          <Suspense fallback={<Spinner label="Loading workbench…" />}>
            <WorkbenchPage />
          </Suspense>
        ),
      },
      { path: "templates", element: <TemplatesPage /> },
      { path: "templates/:id", element: <TemplateDetailPage /> },
      { path: "builds", element: <BuildsPage /> },
      { path: "builds/:id", element: <BuildDetailPage /> },
      { path: "workspace/settings", element: <WorkspaceSettingsPage /> },
      { path: "workspace/members", element: <MembersPage /> },
      { path: "workspace/secrets", element: <SecretsPage /> },
      { path: "workspace/usage", element: <UsagePage /> },
      { path: "workspace/audit", element: <AuditPage /> },
      { path: "join", element: <JoinWorkspacePage /> },
      { path: "admin", element: <AdminPage /> },
      { path: "status", element: <HealthPage /> },
      { path: "account", element: <AccountPage /> },
      { path: "device", element: <DeviceApprovePage /> },
      { path: "*", element: <NotFoundPage /> },
    ],
  },
  { path: "/signin", element: <SignInPage />, errorElement: <RouteError /> },
  { path: "/signup", element: <SignUpPage />, errorElement: <RouteError /> },
  { path: "/recover", element: <RecoverPage />, errorElement: <RouteError /> },
]);
