import { useQueryState } from "../lib/urlstate";
import { useProjects } from "../hooks/queries";

/** Chooses the project every page shows (?project=), or all of them. */
export function ProjectSwitcher() {
  const [params, update] = useQueryState();
  const projects = useProjects();
  const current = params.get("project") ?? "";
  return (
    <label className="switcher">
      <span className="switcher-label">Project</span>
      <select
        aria-label="Project"
        value={current}
        onChange={(e) => update({ project: e.target.value, span: null })}
        disabled={projects.isLoading}
      >
        <option value="">All projects</option>
        {projects.data?.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
        {current && projects.data && !projects.data.some((p) => p.id === current) && <option value={current}>(unknown project)</option>}
      </select>
    </label>
  );
}
