import { createBrowserRouter } from "react-router";
import { AppShell } from "./components/AppShell";
import { HealthPage } from "./pages/HealthPage/HealthPage";

export const router = createBrowserRouter([
  {
    path: "/",
    element: <AppShell />,
    children: [
      { index: true, element: <HealthPage /> },
      { path: "status", element: <HealthPage /> },
    ],
  },
]);
