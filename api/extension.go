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
	deps := []component.ID{e.cfg.Store}
	if e.cfg.LiveFeed.Type().String() != "" {
		deps = append(deps, e.cfg.LiveFeed)
	}
	if e.cfg.Metadata.Type().String() != "" {
		deps = append(deps, e.cfg.Metadata)
	}
	return deps
}

func (e *apiExtension) Start(_ context.Context, host component.Host) error {
	sp, err := hostext.Find[hostext.StoreProvider](host, e.cfg.Store)
	if err != nil {
		return fmt.Errorf("agentstack_api: %w", err)
	}
	if sp.Store() == nil {
		return fmt.Errorf("agentstack_api: extension %q has no open store", e.cfg.Store)
	}
	var st handlers.Store = sp.Store()
	if e.cfg.Metadata.Type().String() != "" {
		mp, err := hostext.Find[hostext.MetadataProvider](host, e.cfg.Metadata)
		if err != nil {
			return fmt.Errorf("agentstack_api: metadata: %w", err)
		}
		meta := mp.MetadataStore()
		if meta == nil {
			return fmt.Errorf("agentstack_api: extension %q has no open metadata store", e.cfg.Metadata)
		}
		st = splitStore{Metadata: meta, Reader: sp.Store(), pings: []func(context.Context) error{meta.Ping, sp.Store().Ping}}
		e.logger.Info("Users and projects come from the metadata extension", zap.Stringer("metadata", e.cfg.Metadata))
	}
	var feed livefeed.Source
	switch {
	case e.cfg.LiveFeed.Type().String() != "":
		fp, err := hostext.Find[hostext.LiveFeedProvider](host, e.cfg.LiveFeed)
		if err != nil {
			return fmt.Errorf("agentstack_api: live_feed: %w", err)
		}
		feed = fp.LiveFeed()
	default:
		if fp, ok := sp.(hostext.LiveFeedProvider); ok {
			feed = fp.LiveFeed()
		} else {
			e.logger.Warn("The store extension has no live feed; /ws/traces will answer 503", zap.Stringer("store", e.cfg.Store))
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
		if err := auth.CheckSecret(s); err != nil {
			if !e.cfg.DevMode {
				return "", fmt.Errorf("jwt_secret: %w", err)
			}
			e.logger.Warn("dev_mode: using a weak JWT secret", zap.Error(err))
		}
		return s, nil
	}
	if e.cfg.JWTSecretFile != "" {
		s, created, err := auth.LoadOrCreateSecretFile(e.cfg.JWTSecretFile)
		if err != nil {
			return "", err
		}
		if created {
			e.logger.Info("Generated a JWT signing secret", zap.String("file", e.cfg.JWTSecretFile))
		}
		if err := auth.CheckSecret(s); err != nil {
			if !e.cfg.DevMode {
				return "", fmt.Errorf("jwt_secret_file %s: %w", e.cfg.JWTSecretFile, err)
			}
			e.logger.Warn("dev_mode: using a weak JWT secret", zap.Error(err))
		}
		return s, nil
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
// from the trace store. The two halves have disjoint methods; Ping checks
// both.
type splitStore struct {
	handlers.Metadata
	handlers.Reader
	pings []func(context.Context) error
}

func (s splitStore) Ping(ctx context.Context) error {
	for _, p := range s.pings {
		if err := p(ctx); err != nil {
			return err
		}
	}
	return nil
}
