import { NavLink, Outlet, useNavigate } from "react-router";
import { useQueryClient } from "@tanstack/react-query";
import { credentials } from "../lib/api";
import { useUser } from "../lib/auth";
import { useProjectLink } from "../lib/urlstate";
import { ProjectSwitcher } from "./ProjectSwitcher";

const NAV: { to: string; label: string; icon: string }[] = [
  { to: "/", label: "Overview", icon: "◧" },
  { to: "/traces", label: "Traces", icon: "≣" },
  { to: "/sessions", label: "Sessions", icon: "⇶" },
  { to: "/live", label: "Live", icon: "●" },
  { to: "/security", label: "Security", icon: "⚠" },
  { to: "/cost", label: "Cost", icon: "$" },
  { to: "/settings", label: "Settings", icon: "⚙" },
];

export function Layout() {
  const user = useUser();
  const link = useProjectLink();
  const qc = useQueryClient();
  const navigate = useNavigate();
  return (
    <div className="app">
      <aside className="sidebar">
        <div className="brand">
          <span className="logo" aria-hidden>◆</span> AgentStack
        </div>
        <ProjectSwitcher />
        <nav>
          {NAV.map((n) => (
            <NavLink key={n.to} to={link(n.to)} end={n.to === "/"} className={({ isActive }) => (isActive ? "nav active" : "nav")}>
              <span className="nav-icon" aria-hidden>
                {n.icon}
              </span>
              {n.label}
            </NavLink>
          ))}
        </nav>
        <div className="sidebar-foot">
          <div className="user" title={user?.email}>
            {user?.email}
            {user?.is_admin && <span className="badge">admin</span>}
          </div>
          <button
            type="button"
            className="btn small ghost"
            onClick={() => {
              credentials.clear();
              qc.clear();
              navigate("/login");
            }}
          >
            Sign out
          </button>
        </div>
      </aside>
      <main className="main">
        <Outlet />
      </main>
    </div>
  );
}
