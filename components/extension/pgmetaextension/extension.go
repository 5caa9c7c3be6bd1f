package pgmetaextension

import (
	"context"
	"errors"
	"fmt"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/extension"
	"go.uber.org/zap"

	"github.com/agentstack/agentstack/internal/apikey"
	"github.com/agentstack/agentstack/internal/hostext"
	"github.com/agentstack/agentstack/internal/metastore"
	"github.com/agentstack/agentstack/internal/metastore/postgres"
	"github.com/agentstack/agentstack/internal/store"
)

type pgExtension struct {
	cfg    *Config
	logger *zap.Logger
	st     *postgres.Store
}

var (
	_ hostext.KeyResolver      = (*pgExtension)(nil)
	_ hostext.MetadataProvider = (*pgExtension)(nil)
)

func newExtension(cfg *Config, set extension.Settings) *pgExtension {
	return &pgExtension{cfg: cfg, logger: set.Logger}
}

func (e *pgExtension) Start(ctx context.Context, _ component.Host) error {
	st, err := postgres.Open(ctx, string(e.cfg.DSN), postgres.Options{MaxConns: e.cfg.MaxConns, Migrate: e.cfg.MigrateOnStart})
	if err != nil {
		return fmt.Errorf("agentstack_postgres: %w", err)
	}
	e.st = st
	if err := e.bootstrap(ctx); err != nil {
		st.Close()
		e.st = nil
		return fmt.Errorf("agentstack_postgres bootstrap: %w", err)
	}
	e.logger.Info("PostgreSQL metadata store open", zap.Int32("max_conns", e.cfg.MaxConns),
		zap.Bool("migrate_on_start", e.cfg.MigrateOnStart))
	return nil
}

// bootstrap makes a configured key resolve. Several replicas may race to
// create the project: the unique key index lets one win, and the others
// find its project.
func (e *pgExtension) bootstrap(ctx context.Context) error {
	key := string(e.cfg.Bootstrap.APIKey)
	if key == "" {
		return nil
	}
	if _, err := e.st.ProjectIDByKeyDigest(ctx, apikey.Sum(key)); !errors.Is(err, store.ErrNotFound) {
		return err
	}
	p, err := e.st.CreateProject(ctx, e.cfg.Bootstrap.ProjectName, "", key)
	if errors.Is(err, store.ErrConflict) {
		return nil
	}
	if err != nil {
		return err
	}
	e.logger.Info("Created bootstrap project with the configured API key",
		zap.String("project", p.Name), zap.String("project_id", p.ID), zap.String("key_hint", p.KeyHint))
	return nil
}

func (e *pgExtension) Shutdown(context.Context) error {
	if e.st != nil {
		e.st.Close()
		e.st = nil
	}
	return nil
}

// MetadataStore implements hostext.MetadataProvider; nil before Start.
func (e *pgExtension) MetadataStore() metastore.Store {
	if e.st == nil {
		return nil
	}
	return e.st
}

// ProjectIDByKeyDigest implements hostext.KeyResolver.
func (e *pgExtension) ProjectIDByKeyDigest(ctx context.Context, d apikey.Digest) (string, error) {
	if e.st == nil {
		return "", errors.New("agentstack_postgres is not started")
	}
	return e.st.ProjectIDByKeyDigest(ctx, d)
}
