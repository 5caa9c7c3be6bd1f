package apikeyauthextension

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/extension/extensionauth"
	"go.opentelemetry.io/collector/extension/extensioncapabilities"
	"go.uber.org/zap"

	"github.com/agentstack/agentstack/components/extension/apikeyauthextension/internal/keycache"
	"github.com/agentstack/agentstack/internal/apikey"
	"github.com/agentstack/agentstack/internal/hostext"
	"github.com/agentstack/agentstack/internal/store"
	"github.com/agentstack/agentstack/internal/tenancy"
)

// Errors returned by Authenticate. Receivers turn them into 401 /
// Unauthenticated; their text is safe to show to the client.
var (
	ErrMissingKey = errors.New("missing API key: send it as X-API-Key or Authorization: Bearer ak_…")
	ErrInvalidKey = errors.New("invalid API key")
)

type authenticator struct {
	cfg      *Config
	logger   *zap.Logger
	resolver hostext.KeyResolver
	cache    *keycache.Cache
}

var (
	_ extensionauth.Server            = (*authenticator)(nil)
	_ extensioncapabilities.Dependent = (*authenticator)(nil)
)

// Dependencies makes the collector start the store before this extension.
func (a *authenticator) Dependencies() []component.ID { return []component.ID{a.cfg.Store} }

func newAuthenticator(cfg *Config, logger *zap.Logger) *authenticator {
	return &authenticator{
		cfg:    cfg,
		logger: logger,
		cache:  keycache.New(cfg.Cache.Size, cfg.Cache.TTL, cfg.Cache.NegativeTTL, nil),
	}
}

func (a *authenticator) Start(_ context.Context, host component.Host) error {
	r, err := hostext.Find[hostext.KeyResolver](host, a.cfg.Store)
	if err != nil {
		return fmt.Errorf("apikeyauth: %w", err)
	}
	a.resolver = r
	return nil
}

func (a *authenticator) Shutdown(context.Context) error { return nil }

// Authenticate implements extensionauth.Server. sources are HTTP headers
// (canonical case) or gRPC metadata (lower case).
func (a *authenticator) Authenticate(ctx context.Context, sources map[string][]string) (context.Context, error) {
	key := keyFrom(sources)
	if key == "" {
		return ctx, ErrMissingKey
	}
	projectID, err := a.resolve(ctx, key)
	if err != nil {
		return ctx, err
	}
	return tenancy.NewContext(ctx, projectID), nil
}

func (a *authenticator) resolve(ctx context.Context, key string) (string, error) {
	d := apikey.Sum(key)
	if id, ok := a.cache.Get(d); ok {
		if id == "" {
			return "", ErrInvalidKey
		}
		return id, nil
	}
	if a.resolver == nil {
		return "", errors.New("apikeyauth is not started")
	}
	id, err := a.resolver.ProjectIDByKeyDigest(ctx, d)
	switch {
	case errors.Is(err, store.ErrNotFound):
		a.cache.Put(d, "")
		return "", ErrInvalidKey
	case err != nil:
		// A store fault is not the client's fault: do not cache it, and do
		// not call the key invalid.
		a.logger.Warn("API key lookup failed", zap.Error(err))
		return "", fmt.Errorf("API key lookup failed: %w", err)
	}
	a.cache.Put(d, id)
	return id, nil
}

// keyFrom finds the key in X-API-Key or in an Authorization bearer token,
// whatever the header case.
func keyFrom(sources map[string][]string) string {
	for name, vals := range sources {
		if len(vals) == 0 {
			continue
		}
		switch {
		case strings.EqualFold(name, "x-api-key"):
			if v := strings.TrimSpace(vals[0]); v != "" {
				return v
			}
		case strings.EqualFold(name, "authorization"):
			v := strings.TrimSpace(vals[0])
			if len(v) > 7 && strings.EqualFold(v[:7], "bearer ") {
				return strings.TrimSpace(v[7:])
			}
		}
	}
	return ""
}
