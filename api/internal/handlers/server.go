// Package handlers is the API's HTTP surface: a plain http.Handler over a
// storage interface, so it can be tested without a collector around it.
package handlers

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/agentstack/agentstack/api/internal/auth"
	"github.com/agentstack/agentstack/internal/livefeed"
	"github.com/agentstack/agentstack/internal/store"
	"github.com/agentstack/agentstack/internal/tracestore"
)

// Store is what the handlers need from storage. *store.Store implements it;
// every read takes the caller's project ids, so tenancy is decided here and
// enforced in SQL. At scale the two halves come from different databases
// (metadata in PostgreSQL, traces in ClickHouse or the embedded store).
type Store interface {
	Ping(ctx context.Context) error
	Metadata
	Reader
}

// Metadata is the users-and-projects half of Store.
type Metadata interface {
	CreateUser(ctx context.Context, email, passwordHash string, onlyFirst bool) (store.User, error)
	UserByEmail(ctx context.Context, email string) (store.User, error)
	UserByID(ctx context.Context, id string) (store.User, error)

	ProjectsOfOwner(ctx context.Context, ownerID string) ([]store.Project, error)
	ProjectIDsOfOwner(ctx context.Context, ownerID string) ([]string, error)
	GetProject(ctx context.Context, id string) (store.Project, error)
	CreateProject(ctx context.Context, name, ownerID, key string) (store.Project, error)
	RotateKey(ctx context.Context, projectID, newKey string) error
	DeleteProject(ctx context.Context, projectID string) error
}

// Reader is the traces-spans-alerts-costs half of Store: the contract the
// embedded store and the ClickHouse reader both keep.
type Reader = tracestore.Reader

var _ Store = (*store.Store)(nil)

// Options configure the API.
type Options struct {
	Store Store
	// Feed is the live feed; nil answers the WebSocket with 503.
	Feed   livefeed.Source
	Tokens *auth.Tokens
	// PasswordCost is bcrypt's cost (0: the default).
	PasswordCost int
	// AllowRegistration opens registration to anybody; when false only the
	// first user may register.
	AllowRegistration bool
	// AuthPerMinute bounds login and register requests per client address.
	AuthPerMinute int
	// CORSAllowedOrigins may call the API from a browser.
	CORSAllowedOrigins []string
	// WSPingInterval is how often the server pings a WebSocket client.
	WSPingInterval time.Duration
	// WSBuffer is how many events may wait for a slow WebSocket client
	// before it is dropped.
	WSBuffer int
	// UI serves everything outside /api and /ws (the dashboard).
	UI     http.Handler
	Logger *zap.Logger
}

// API is the handler. Close ends its WebSocket connections.
type API struct {
	opts      Options
	passwords *auth.Passwords
	limiter   *auth.Limiter
	mux       *http.ServeMux
	handler   http.Handler
	origins   map[string]bool

	// base is cancelled by Close, ending every WebSocket loop; wg waits
	// for them (http.Server.Shutdown does not wait for hijacked conns).
	base   context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	// live holds each user's WebSocket subscriptions, to follow project
	// creation and deletion.
	liveMu sync.Mutex
	live   map[string]map[*liveConn]struct{}
}

// Route is one registered API route, listed for the OpenAPI check.
type Route struct {
	Method  string
	Pattern string
	// Public routes need no token.
	Public bool
}

type route struct {
	Route
	h http.HandlerFunc
}

// New builds the API.
func New(opts Options) (*API, error) {
	if opts.Logger == nil {
		opts.Logger = zap.NewNop()
	}
	if opts.AuthPerMinute <= 0 {
		opts.AuthPerMinute = 10
	}
	if opts.WSPingInterval <= 0 {
		opts.WSPingInterval = 30 * time.Second
	}
	if opts.WSBuffer <= 0 {
		opts.WSBuffer = 256
	}
	pw, err := auth.NewPasswords(opts.PasswordCost)
	if err != nil {
		return nil, err
	}
	a := &API{
		opts:      opts,
		passwords: pw,
		limiter:   auth.NewLimiter(opts.AuthPerMinute),
		mux:       http.NewServeMux(),
		origins:   make(map[string]bool),
		live:      make(map[string]map[*liveConn]struct{}),
	}
	a.base, a.cancel = context.WithCancel(context.Background())
	for _, o := range opts.CORSAllowedOrigins {
		a.origins[strings.TrimSuffix(o, "/")] = true
	}
	for _, r := range a.routes() {
		h := r.h
		if !r.Public {
			h = a.requireUser(h)
		}
		a.mux.Handle(r.Method+" "+r.Pattern, h)
	}
	// Anything else under /api or /ws is a JSON 404 (or 405), never the
	// dashboard's index.html.
	a.mux.HandleFunc("/api/", a.unmatched)
	a.mux.HandleFunc("/ws/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, codeNotFound, "no such endpoint: "+r.URL.Path)
	})
	if opts.UI != nil {
		ui := opts.UI
		a.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodGet && r.Method != http.MethodHead {
				w.Header().Set("Allow", "GET, HEAD")
				writeError(w, http.StatusMethodNotAllowed, "method_not_allowed", "the dashboard is read with GET")
				return
			}
			ui.ServeHTTP(w, r)
		})
	}
	a.handler = a.cors(a.mux)
	return a, nil
}

func (a *API) routes() []route {
	return []route{
		{Route{"GET", "/api/v1/health", true}, a.health},
		{Route{"GET", "/api/v1/openapi.json", true}, serveOpenAPI},
		{Route{"POST", "/api/v1/auth/register", true}, a.rateLimited(a.register)},
		{Route{"POST", "/api/v1/auth/login", true}, a.rateLimited(a.login)},
		{Route{"GET", "/api/v1/auth/me", false}, a.me},

		{Route{"GET", "/api/v1/projects", false}, a.listProjects},
		{Route{"POST", "/api/v1/projects", false}, a.createProject},
		{Route{"GET", "/api/v1/projects/{id}", false}, a.getProject},
		{Route{"POST", "/api/v1/projects/{id}/rotate-key", false}, a.rotateKey},
		{Route{"DELETE", "/api/v1/projects/{id}", false}, a.deleteProject},

		{Route{"GET", "/api/v1/traces", false}, a.listTraces},
		{Route{"GET", "/api/v1/traces/{trace_id}", false}, a.getTrace},
		{Route{"GET", "/api/v1/spans/{span_id}", false}, a.getSpan},
		{Route{"GET", "/api/v1/sessions", false}, a.listSessions},
		{Route{"GET", "/api/v1/sessions/{id}", false}, a.getSession},

		{Route{"GET", "/api/v1/security/alerts", false}, a.listAlerts},
		{Route{"GET", "/api/v1/analytics/cost", false}, a.costSeries},
		{Route{"GET", "/api/v1/analytics/summary", false}, a.summary},
		{Route{"GET", "/api/v1/analytics/timeseries", false}, a.timeSeries},

		// The WebSocket authenticates itself: browsers cannot set headers
		// on it, so the token comes as ?token= or a subprotocol.
		{Route{"GET", "/ws/traces", true}, a.liveTraces},
	}
}

// unmatched answers a path that no route takes with 404, or with 405 and
// Allow when routes take it with other methods.
func (a *API) unmatched(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, rt := range a.routes() {
		if patternMatches(rt.Pattern, r.URL.Path) {
			allow = append(allow, rt.Method)
		}
	}
	if len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		writeError(w, http.StatusMethodNotAllowed, "method_not_allowed", r.Method+" is not allowed on "+r.URL.Path)
		return
	}
	writeError(w, http.StatusNotFound, codeNotFound, "no such endpoint: "+r.Method+" "+r.URL.Path)
}

// patternMatches matches a path against a route pattern whose {name}
// segments match any one segment.
func patternMatches(pattern, path string) bool {
	ps, xs := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(ps) != len(xs) {
		return false
	}
	for i := range ps {
		if strings.HasPrefix(ps[i], "{") && xs[i] != "" {
			continue
		}
		if ps[i] != xs[i] {
			return false
		}
	}
	return true
}

// Routes lists the API routes.
func (a *API) Routes() []Route {
	rs := a.routes()
	out := make([]Route, len(rs))
	for i, r := range rs {
		out[i] = r.Route
	}
	return out
}

// ServeHTTP implements http.Handler.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.handler.ServeHTTP(w, r) }

// Close ends the WebSocket connections and waits for their goroutines.
func (a *API) Close() {
	a.cancel()
	a.wg.Wait()
}

func (a *API) health(w http.ResponseWriter, r *http.Request) {
	if err := a.opts.Store.Ping(r.Context()); err != nil {
		a.opts.Logger.Warn("Health check: store unavailable", zap.Error(err))
		writeError(w, http.StatusServiceUnavailable, "unavailable", "the store is not available")
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// cors answers preflights and marks responses readable by the allowed
// origins. Tokens travel in the Authorization header, not cookies, so
// credentials are not allowed.
func (a *API) cors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin != "" && a.origins[origin] {
			h := w.Header()
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Expose-Headers", "Retry-After")
			h.Add("Vary", "Origin")
			if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
				h.Set("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS")
				h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
				h.Set("Access-Control-Max-Age", "600")
				w.WriteHeader(http.StatusNoContent)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}
