import { useState } from "react";
import { useCreateProject, useDeleteProject, useProjects, useRotateKey } from "../hooks/queries";
import { errorMessage } from "../lib/api";
import { collectorURL, curlExample, otelSnippet, pythonSnippet } from "../lib/collector";
import { formatTime } from "../lib/format";
import type { Project, ProjectWithKey } from "../lib/types";
import { useUser } from "../lib/auth";
import { CodeBlock, CopyButton } from "../components/CopyButton";
import { ErrorBox, Skeleton } from "../components/States";

export function SettingsPage() {
  const projects = useProjects();
  const create = useCreateProject();
  const rotate = useRotateKey();
  const user = useUser();
  const [name, setName] = useState("");
  const [shown, setShown] = useState<{ what: "created" | "rotated"; data: ProjectWithKey } | null>(null);
  const [confirmDelete, setConfirmDelete] = useState<Project | null>(null);

  return (
    <div className="page">
      <header className="page-head">
        <h1>Settings</h1>
      </header>

      <section className="panel">
        <h2>Projects</h2>
        <p className="muted">Each project has its own API key; spans sent with a key belong to its project.</p>
        <form
          className="row-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (!name.trim()) return;
            create.mutate(name.trim(), {
              onSuccess: (data) => {
                setShown({ what: "created", data });
                setName("");
              },
            });
          }}
        >
          <input aria-label="New project name" name="project-name" placeholder="New project name" value={name} maxLength={100} onChange={(e) => setName(e.target.value)} />
          <button type="submit" className="btn primary" disabled={create.isPending || !name.trim()}>
            Create project
          </button>
        </form>
        {create.isError && <ErrorBox error={create.error} />}
        {rotate.isError && <ErrorBox error={rotate.error} />}

        {shown && <KeyReveal what={shown.what} data={shown.data} onDone={() => setShown(null)} />}

        {projects.isLoading ? (
          <Skeleton rows={3} />
        ) : projects.isError ? (
          <ErrorBox error={projects.error} retry={() => projects.refetch()} />
        ) : (
          <table className="table" data-testid="project-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Id</th>
                <th>Key</th>
                <th>Created</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {projects.data?.map((p) => (
                <tr key={p.id} data-testid="project-row">
                  <td className="strong">{p.name}</td>
                  <td className="mono small">{p.id}</td>
                  <td className="mono">{p.key_hint ? `${p.key_hint}…` : "—"}</td>
                  <td>{formatTime(p.created_at)}</td>
                  <td className="actions">
                    <button
                      type="button"
                      className="btn small"
                      disabled={rotate.isPending}
                      onClick={() => rotate.mutate(p.id, { onSuccess: (data) => setShown({ what: "rotated", data }) })}
                    >
                      Rotate key
                    </button>
                    <button type="button" className="btn small danger" onClick={() => setConfirmDelete(p)}>
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
              {projects.data?.length === 0 && (
                <tr>
                  <td colSpan={5} className="muted">
                    No projects yet: create one above.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        )}
      </section>

      <section className="panel">
        <h2>Account</h2>
        <p>
          Signed in as <strong>{user?.email}</strong>
          {user?.is_admin ? " (admin)" : ""}.
        </p>
        <p className="muted">Collector: {collectorURL()} (HTTP, native JSON and OTLP) · OTLP gRPC on port 4317.</p>
      </section>

      {confirmDelete && <DeleteDialog project={confirmDelete} onClose={() => setConfirmDelete(null)} />}
    </div>
  );
}

function KeyReveal({ what, data, onDone }: { what: "created" | "rotated"; data: ProjectWithKey; onDone: () => void }) {
  const key = data.api_key;
  return (
    <div className="key-reveal" data-testid="key-reveal">
      <h3>
        {what === "created" ? `Project “${data.project.name}” created` : `New key for “${data.project.name}”`}
      </h3>
      <p>
        This is the only time the key is shown: copy it now.
        {what === "rotated" && " The old key stops working within a few seconds."}
      </p>
      <div className="key-line">
        <code data-testid="api-key">{key}</code>
        <CopyButton text={key} label="Copy key" />
      </div>
      <CodeBlock label="Python SDK" code={pythonSnippet(key)} />
      <CodeBlock label="OpenTelemetry SDK" code={otelSnippet(key)} />
      <CodeBlock label="curl" code={curlExample(key)} />
      <button type="button" className="btn" onClick={onDone}>
        I have saved the key
      </button>
    </div>
  );
}

function DeleteDialog({ project, onClose }: { project: Project; onClose: () => void }) {
  const del = useDeleteProject();
  const [typed, setTyped] = useState("");
  return (
    <div className="modal-backdrop" role="presentation" onClick={onClose}>
      <div className="modal" role="dialog" aria-modal="true" aria-labelledby="del-title" onClick={(e) => e.stopPropagation()}>
        <h3 id="del-title">Delete “{project.name}”?</h3>
        <p>Its key stops working and its traces, spans and alerts are deleted. This cannot be undone.</p>
        <label className="field">
          <span>Type the project name to confirm</span>
          <input autoFocus value={typed} onChange={(e) => setTyped(e.target.value)} aria-label="Confirm project name" />
        </label>
        {del.isError && <div className="state error">{errorMessage(del.error)}</div>}
        <div className="modal-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="btn danger" disabled={typed !== project.name || del.isPending} onClick={() => del.mutate(project.id, { onSuccess: onClose })}>
            Delete project
          </button>
        </div>
      </div>
    </div>
  );
}
