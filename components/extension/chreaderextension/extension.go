package chreaderextension

import (
	"context"
	"fmt"

	"go.opentelemetry.io/collector/component"
	"go.uber.org/zap"

	"github.com/agentstack/agentstack/internal/chstore"
	"github.com/agentstack/agentstack/internal/hostext"
	"github.com/agentstack/agentstack/internal/tracestore"
)

type readerExtension struct {
	cfg    *Config
	logger *zap.Logger
	r      *chstore.Reader
}

var _ hostext.TraceReaderProvider = (*readerExtension)(nil)

func (e *readerExtension) Start(ctx context.Context, _ component.Host) error {
	r, err := chstore.Open(ctx, string(e.cfg.DSN))
	if err != nil {
		return fmt.Errorf("agentstack_clickhouse: %w", err)
	}
	e.r = r
	e.logger.Info("Reading traces from ClickHouse")
	return nil
}

func (e *readerExtension) Shutdown(context.Context) error {
	if e.r == nil {
		return nil
	}
	err := e.r.Close()
	e.r = nil
	return err
}

// TraceReader implements hostext.TraceReaderProvider; nil before Start.
func (e *readerExtension) TraceReader() tracestore.Reader {
	if e.r == nil {
		return nil
	}
	return e.r
}
