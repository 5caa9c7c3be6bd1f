package redisstreamexporter

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/exporter/exportertest"

	"github.com/agentstack/agentstack/internal/redistest"
)

func TestAuthenticationFailureStopsTheStartWithAClearError(t *testing.T) {
	const secret = "correct-horse-battery"
	srv := redistest.Start(t, redistest.WithPassword(secret))
	for name, tc := range map[string]struct {
		overrides map[string]any
		hint      string
	}{
		"wrong password": {map[string]any{"password": "not-the-password"}, "check username and password"},
		"no password":    {nil, "the server requires a password"},
		"unknown user":   {map[string]any{"username": "nobody", "password": secret}, `as user "nobody"`},
	} {
		t.Run(name, func(t *testing.T) {
			cfg := testConfig(t, srv, tc.overrides)
			exp, err := NewFactory().CreateTraces(context.Background(), exportertest.NewNopSettings(Type), cfg)
			require.NoError(t, err)
			err = exp.Start(context.Background(), componenttest.NewNopHost())
			require.Error(t, err)
			assert.Contains(t, err.Error(), "authentication failed")
			assert.Contains(t, err.Error(), srv.Addr())
			assert.Contains(t, err.Error(), tc.hint)
			assert.NotContains(t, err.Error(), secret)
			assert.NotContains(t, err.Error(), "not-the-password")
			require.NoError(t, exp.Shutdown(context.Background()))
		})
	}

	t.Run("right password", func(t *testing.T) {
		e := startDirect(t, testConfig(t, srv, map[string]any{"password": secret}))
		require.NoError(t, e.pushTraces(context.Background(), numbered("p1", 0, 3)))
		assert.Len(t, streamSpanIDs(t, newClient(t, srv), DefaultSpanStream), 3)
	})
}

func TestThePasswordIsNeverPrinted(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.Password = "hunter2-secret"
	assert.NotContains(t, fmtAll(cfg), "hunter2-secret")
}
