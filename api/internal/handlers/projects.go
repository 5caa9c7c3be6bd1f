package handlers

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/agentstack/agentstack/internal/apikey"
	"github.com/agentstack/agentstack/internal/store"
)

type projectBody struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	KeyHint   string    `json:"key_hint"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func toProject(p store.Project) projectBody {
	return projectBody{ID: p.ID, Name: p.Name, KeyHint: p.KeyHint, CreatedAt: p.CreatedAt.UTC(), UpdatedAt: p.UpdatedAt.UTC()}
}

type projectWithKey struct {
	Project projectBody `json:"project"`
	APIKey  string      `json:"api_key"`
}

const maxProjectName = 100

// ownedProject loads a project of the caller. Another user's project is
// answered exactly like a missing one.
func (a *API) ownedProject(w http.ResponseWriter, r *http.Request, id string) (store.Project, bool) {
	p, err := a.opts.Store.GetProject(r.Context(), id)
	if err == nil && p.OwnerID == callerFrom(r.Context()).ID && p.OwnerID != "" {
		return p, true
	}
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		a.internal(w, "reading project", err)
		return store.Project{}, false
	}
	writeError(w, http.StatusNotFound, codeNotFound, "project not found")
	return store.Project{}, false
}

// scope returns the projects a read may touch: all of the caller's, or the
// one named by ?project_id= when the caller owns it (404 otherwise).
func (a *API) scope(w http.ResponseWriter, r *http.Request) ([]string, bool) {
	ids, err := a.opts.Store.ProjectIDsOfOwner(r.Context(), callerFrom(r.Context()).ID)
	if err != nil {
		a.internal(w, "listing projects", err)
		return nil, false
	}
	want := strings.TrimSpace(r.URL.Query().Get("project_id"))
	if want == "" {
		return ids, true
	}
	if !slices.Contains(ids, want) {
		writeError(w, http.StatusNotFound, codeNotFound, "project not found")
		return nil, false
	}
	return []string{want}, true
}

func (a *API) listProjects(w http.ResponseWriter, r *http.Request) {
	ps, err := a.opts.Store.ProjectsOfOwner(r.Context(), callerFrom(r.Context()).ID)
	if err != nil {
		a.internal(w, "listing projects", err)
		return
	}
	out := make([]projectBody, 0, len(ps))
	for _, p := range ps {
		out = append(out, toProject(p))
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
}

func (a *API) createProject(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name string `json:"name"`
	}
	if !decodeBody(w, r, &in) {
		return
	}
	name := strings.TrimSpace(in.Name)
	if name == "" || len(name) > maxProjectName {
		writeError(w, http.StatusBadRequest, codeBadRequest, "name: must be 1 to 100 characters")
		return
	}
	key, err := apikey.Generate()
	if err != nil {
		a.internal(w, "generating API key", err)
		return
	}
	p, err := a.opts.Store.CreateProject(r.Context(), name, callerFrom(r.Context()).ID, key)
	if err != nil {
		a.internal(w, "creating project", err)
		return
	}
	a.opts.Logger.Info("Project created", zap.String("project_id", p.ID), zap.String("owner_id", p.OwnerID))
	a.refreshLive(r.Context(), p.OwnerID)
	writeJSON(w, http.StatusCreated, projectWithKey{Project: toProject(p), APIKey: key})
}

func (a *API) getProject(w http.ResponseWriter, r *http.Request) {
	if p, ok := a.ownedProject(w, r, r.PathValue("id")); ok {
		writeJSON(w, http.StatusOK, toProject(p))
	}
}

func (a *API) rotateKey(w http.ResponseWriter, r *http.Request) {
	p, ok := a.ownedProject(w, r, r.PathValue("id"))
	if !ok {
		return
	}
	key, err := apikey.Generate()
	if err != nil {
		a.internal(w, "generating API key", err)
		return
	}
	if err := a.opts.Store.RotateKey(r.Context(), p.ID, key); err != nil {
		a.internal(w, "rotating key", err)
		return
	}
	p, err = a.opts.Store.GetProject(r.Context(), p.ID)
	if err != nil {
		a.internal(w, "reading project", err)
		return
	}
	a.opts.Logger.Info("API key rotated", zap.String("project_id", p.ID))
	writeJSON(w, http.StatusOK, projectWithKey{Project: toProject(p), APIKey: key})
}

func (a *API) deleteProject(w http.ResponseWriter, r *http.Request) {
	p, ok := a.ownedProject(w, r, r.PathValue("id"))
	if !ok {
		return
	}
	if err := a.opts.Store.DeleteProject(r.Context(), p.ID); err != nil {
		a.internal(w, "deleting project", err)
		return
	}
	a.opts.Logger.Info("Project deleted", zap.String("project_id", p.ID))
	a.refreshLive(r.Context(), p.OwnerID)
	w.WriteHeader(http.StatusNoContent)
}
