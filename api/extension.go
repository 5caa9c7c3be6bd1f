package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componentstatus"
	"go.opentelemetry.io/collector/extension"
	"go.uber.org/zap"

	"github.com/agentstack/agentstack/api/internal/auth"
	"github.com/agentstack/agentstack/api/internal/handlers"
	"github.com/agentstack/agentstack/api/ui"
	"github.com/agentstack/agentstack/internal/hostext"
	"github.com/agentstack/agentstack/internal/livefeed"
)

type apiExtension struct {
	cfg    *Config
	logger *zap.Logger
	api    *handlers.API
	srv    *http.Server
	done   chan struct{}
	// addr is where the server listens once started.
	addr net.Addr
}

func newExtension(cfg *Config, set extension.Settings) *apiExtension {
	return &apiExtension{cfg: cfg, logger: set.Logger}
}

// Dependencies makes the collector start the store (and feed) extensions first.
func (e *apiExtension) Dependencies() []component.ID {
	var deps []component.ID
	for _, id := range []component.ID{e.cfg.Store, e.cfg.LiveFeed, e.cfg.Metadata, e.cfg.Traces} {
		if set(id) {
			deps = append(deps, id)
		}
	}
	return deps
}

func set(id component.ID) bool { return id.Type().String() != "" }

// stores finds what the API reads: by default everything from the store
// extension; metadata: and traces: move users and projects, and traces, to
// other extensions (PostgreSQL, ClickHouse) for a scale-out API replica.
func (e *apiExtension) stores(host component.Host) (handlers.Store, hostext.StoreProvider, error) {
	var sp hostext.StoreProvider
	if set(e.cfg.Store) {
		p, err := hostext.Find[hostext.StoreProvider](host, e.cfg.Store)
		if err != nil {
			return nil, nil, err
		}
		if p.Store() == nil {
			return nil, nil, fmt.Errorf("extension %q has no open store", e.cfg.Store)
		}
		if !set(e.cfg.Metadata) && !set(e.cfg.Traces) {
			return p.Store(), p, nil
		}
		sp = p
	}
	var split splitStore
	if set(e.cfg.Metadata) {
		mp, err := hostext.Find[hostext.MetadataProvider](host, e.cfg.Metadata)
		if err != nil {
			return nil, nil, fmt.Errorf("metadata: %w", err)
		}
		meta := mp.MetadataStore()
		if meta == nil {
			return nil, nil, fmt.Errorf("extension %q has no open metadata store", e.cfg.Metadata)
		}
		split.metadata = meta
		e.logger.Info("Users and projects come from the metadata extension", zap.Stringer("metadata", e.cfg.Metadata))
	} else {
		split.metadata = sp.Store()
	}
	if set(e.cfg.Traces) {
		rp, err := hostext.Find[hostext.TraceReaderProvider](host, e.cfg.Traces)
		if err != nil {
			return nil, nil, fmt.Errorf("traces: %w", err)
		}
		r := rp.TraceReader()
		if r == nil {
			return nil, nil, fmt.Errorf("extension %q has no open trace reader", e.cfg.Traces)
		}
		split.Reader = r
		e.logger.Info("Traces come from the trace reader extension", zap.Stringer("traces", e.cfg.Traces))
	} else {
		split.Reader = sp.Store()
	}
	return split, sp, nil
}

func (e *apiExtension) Start(_ context.Context, host component.Host) error {
	st, sp, err := e.stores(host)
	if err != nil {
		return fmt.Errorf("agentstack_api: %w", err)
	}
	var feed livefeed.Source
	switch {
	case set(e.cfg.LiveFeed):
		fp, err := hostext.Find[hostext.LiveFeedProvider](host, e.cfg.LiveFeed)
		if err != nil {
			return fmt.Errorf("agentstack_api: live_feed: %w", err)
		}
		feed = fp.LiveFeed()
	default:
		if fp, ok := sp.(hostext.LiveFeedProvider); ok {
			feed = fp.LiveFeed()
		} else {
			e.logger.Warn("No live feed (set live_feed, or use a store extension that has one); /ws/traces will answer 503")
		}
	}
	secret, err := e.secret()
	if err != nil {
		return fmt.Errorf("agentstack_api: %w", err)
	}
	dashboard := ui.New()
	if !dashboard.Built() {
		e.logger.Info("The dashboard is not built into this binary; / shows how to build it")
	}
	api, err := handlers.New(handlers.Options{
		Store:              st,
		Feed:               feed,
		Tokens:             auth.NewTokens([]byte(secret), e.cfg.TokenTTL),
		AllowRegistration:  e.cfg.AllowRegistration,
		AuthPerMinute:      e.cfg.AuthRateLimit,
		CORSAllowedOrigins: e.cfg.CORSAllowedOrigins,
		WSPingInterval:     e.cfg.WebSocket.PingInterval,
		WSBuffer:           e.cfg.WebSocket.SendBuffer,
		UI:                 dashboard,
		Logger:             e.logger,
	})
	if err != nil {
		return fmt.Errorf("agentstack_api: %w", err)
	}
	ln, err := net.Listen("tcp", e.cfg.Endpoint)
	if err != nil {
		api.Close()
		return fmt.Errorf("agentstack_api: listening on %s: %w", e.cfg.Endpoint, err)
	}
	e.api, e.addr = api, ln.Addr()
	e.srv = &http.Server{
		Handler:           api,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          zap.NewStdLog(e.logger),
	}
	e.done = make(chan struct{})
	go func() {
		defer close(e.done)
		if err := e.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			componentstatus.ReportStatus(host, componentstatus.NewFatalErrorEvent(fmt.Errorf("agentstack_api: %w", err)))
		}
	}()
	e.logger.Info("API listening", zap.String("endpoint", ln.Addr().String()))
	return nil
}

// secret picks the signing secret: jwt_secret, else the secret file
// (created when missing), else in dev mode a random one for this process.
func (e *apiExtension) secret() (string, error) {
	if s := string(e.cfg.JWTSecret); s != "" {
		return e.checkSecret(s, "jwt_secret")
	}
	if e.cfg.JWTSecretFile != "" {
		s, created, err := auth.LoadOrCreateSecretFile(e.cfg.JWTSecretFile)
		if err != nil {
			return "", err
		}
		if created {
			e.logger.Info("Generated a JWT signing secret", zap.String("file", e.cfg.JWTSecretFile))
		}
		return e.checkSecret(s, "jwt_secret_file "+e.cfg.JWTSecretFile)
	}
	if !e.cfg.DevMode {
		return "", errors.New("jwt_secret: no JWT signing secret is set")
	}
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("generating a dev JWT secret: %w", err)
	}
	e.logger.Warn("dev_mode: no JWT secret configured; using a random one, so tokens end with the process")
	return hex.EncodeToString(b[:]), nil
}

// checkSecret refuses a weak configured secret, naming where it came from;
// dev mode takes it with a warning.
func (e *apiExtension) checkSecret(s, source string) (string, error) {
	if err := auth.CheckSecret(s); err != nil {
		if !e.cfg.DevMode {
			return "", fmt.Errorf("%s: %w", source, err)
		}
		e.logger.Warn("dev_mode: using a weak JWT secret", zap.Error(err))
	}
	return s, nil
}

func (e *apiExtension) Shutdown(ctx context.Context) error {
	if e.srv == nil {
		return nil
	}
	// WebSockets are hijacked connections that Shutdown does not track:
	// end them first.
	e.api.Close()
	err := e.srv.Shutdown(ctx)
	<-e.done
	e.srv = nil
	return err
}

// splitStore serves users and projects from the metadata store and traces
// from the trace store. The halves share only Ping; splitStore's Ping
// checks both.
type splitStore struct {
	metadata
	handlers.Reader
}

// metadata is the users-and-projects half, with its own health check.
type metadata interface {
	handlers.Metadata
	Ping(ctx context.Context) error
}

func (s splitStore) Ping(ctx context.Context) error {
	if err := s.metadata.Ping(ctx); err != nil {
		return err
	}
	return s.Reader.Ping(ctx)
}
