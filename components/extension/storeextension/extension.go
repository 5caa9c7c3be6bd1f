package storeextension

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/extension"
	"go.uber.org/zap"

	"github.com/agentstack/agentstack/internal/apikey"
	"github.com/agentstack/agentstack/internal/hostext"
	"github.com/agentstack/agentstack/internal/livefeed"
	"github.com/agentstack/agentstack/internal/store"
)

type storeExtension struct {
	cfg    *Config
	logger *zap.Logger
	// keyOut receives the one-time display of a generated bootstrap key; it
	// is the terminal, never the log.
	keyOut io.Writer
	st     *store.Store
	// feed carries what the exporter stores to live subscribers; it lives
	// here, beside the store, so that writer and readers find one instance.
	feed *livefeed.Hub
}

var (
	_ hostext.StoreProvider    = (*storeExtension)(nil)
	_ hostext.KeyResolver      = (*storeExtension)(nil)
	_ hostext.LiveFeedProvider = (*storeExtension)(nil)
)

func newStoreExtension(cfg *Config, set extension.Settings) *storeExtension {
	return &storeExtension{cfg: cfg, logger: set.Logger, keyOut: os.Stderr, feed: livefeed.NewHub()}
}

func (e *storeExtension) Start(ctx context.Context, _ component.Host) error {
	st, err := store.Open(ctx, e.cfg.Path, store.Options{BusyTimeoutMS: int(e.cfg.BusyTimeout.Milliseconds()), MaxSizeMiB: e.cfg.MaxSizeMiB})
	if err != nil {
		return fmt.Errorf("agentstack_store: %w", err)
	}
	e.st = st
	e.logger.Info("Embedded store open", zap.String("path", e.cfg.Path))
	if e.cfg.Bootstrap.Enabled {
		if err := e.bootstrap(ctx); err != nil {
			_ = st.Close()
			e.st = nil
			return fmt.Errorf("agentstack_store bootstrap: %w", err)
		}
	}
	return nil
}

// bootstrap makes sure a fresh install has a project to send to. A key from
// the config is made to resolve; otherwise, on an empty database only, a key
// is generated and shown once.
func (e *storeExtension) bootstrap(ctx context.Context) error {
	if key := string(e.cfg.Bootstrap.APIKey); key != "" {
		_, err := e.st.ProjectIDByKeyDigest(ctx, apikey.Sum(key))
		if err == nil {
			return nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		p, err := e.st.CreateProject(ctx, e.cfg.Bootstrap.ProjectName, "", key)
		if err != nil {
			return err
		}
		e.logger.Info("Created bootstrap project with the configured API key",
			zap.String("project", p.Name), zap.String("project_id", p.ID), zap.String("key_hint", p.KeyHint))
		return nil
	}
	n, err := e.st.CountProjects(ctx)
	if err != nil || n > 0 {
		return err
	}
	key, err := apikey.Generate()
	if err != nil {
		return err
	}
	p, err := e.st.CreateProject(ctx, e.cfg.Bootstrap.ProjectName, "", key)
	if err != nil {
		return err
	}
	e.logger.Info("Created bootstrap project", zap.String("project", p.Name), zap.String("project_id", p.ID), zap.String("key_hint", p.KeyHint))
	_, _ = fmt.Fprintf(e.keyOut, "\n  AgentStack created the project %q (id %s).\n  Its API key is shown only this once; keep it:\n\n      %s\n\n", p.Name, p.ID, key)
	return nil
}

func (e *storeExtension) Shutdown(context.Context) error {
	e.feed.Close()
	if e.st == nil {
		return nil
	}
	err := e.st.Close()
	e.st = nil
	return err
}

// Store returns the open store; nil before Start.
func (e *storeExtension) Store() *store.Store { return e.st }

// LiveFeed implements hostext.LiveFeedProvider.
func (e *storeExtension) LiveFeed() livefeed.Feed { return e.feed }

// ProjectIDByKeyDigest implements hostext.KeyResolver.
func (e *storeExtension) ProjectIDByKeyDigest(ctx context.Context, d apikey.Digest) (string, error) {
	if e.st == nil {
		return "", errors.New("agentstack_store is not started")
	}
	return e.st.ProjectIDByKeyDigest(ctx, d)
}
