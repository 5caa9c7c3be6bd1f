package storeexporter

import (
	"context"
	"fmt"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.uber.org/zap"

	"github.com/agentstack/agentstack/internal/convert"
	"github.com/agentstack/agentstack/internal/hostext"
	"github.com/agentstack/agentstack/internal/livefeed"
	"github.com/agentstack/agentstack/internal/store"
)

type storeExporter struct {
	cfg    *Config
	logger *zap.Logger
	st     *store.Store
	// feed, when the store extension offers one, receives what each write
	// inserted. Its Publish never blocks.
	feed livefeed.Publisher
}

func newStoreExporter(cfg *Config, set exporter.Settings) *storeExporter {
	return &storeExporter{cfg: cfg, logger: set.Logger}
}

func (e *storeExporter) start(_ context.Context, host component.Host) error {
	p, err := hostext.Find[hostext.StoreProvider](host, e.cfg.Store)
	if err != nil {
		return fmt.Errorf("agentstack_store exporter: %w", err)
	}
	if p.Store() == nil {
		return fmt.Errorf("agentstack_store exporter: extension %q has no open store", e.cfg.Store)
	}
	e.st = p.Store()
	if fp, ok := p.(hostext.LiveFeedProvider); ok {
		e.feed = fp.LiveFeed()
	}
	return nil
}

// pushTraces writes one batch in one transaction. A database fault (locked,
// full, read-only) is returned as is, so the exporter helper retries it; a
// span without a project can never be stored and is a permanent error.
func (e *storeExporter) pushTraces(ctx context.Context, td ptrace.Traces) error {
	batch, unowned := convert.Traces(td)
	if unowned > 0 {
		e.logger.Error("Dropping spans without a project: put apikeyauth on the receiver and projectstamp first in the pipeline",
			zap.Int("spans", unowned))
	}
	if len(batch.Spans) > 0 || len(batch.Alerts) > 0 {
		res, err := e.st.WriteBatch(ctx, batch)
		if err != nil {
			return fmt.Errorf("writing %d spans to %s: %w", len(batch.Spans), e.st.Path(), err)
		}
		if e.feed != nil {
			e.feed.Publish(livefeed.FromWrite(res))
		}
		if res.Duplicates > 0 {
			e.logger.Debug("Skipped spans already stored (a retried batch)", zap.Int("spans", res.Duplicates))
		}
	}
	if unowned > 0 {
		return consumererror.NewPermanent(fmt.Errorf("%d spans carry no project id", unowned))
	}
	return nil
}

// pushLogs writes log records (GenAI content events, above all) and the
// alerts found in them, on the same terms as pushTraces.
func (e *storeExporter) pushLogs(ctx context.Context, ld plog.Logs) error {
	batch, unowned := convert.Logs(ld)
	if unowned > 0 {
		e.logger.Error("Dropping log records without a project: put apikeyauth on the receiver and projectstamp first in the pipeline",
			zap.Int("records", unowned))
	}
	if len(batch.Records) > 0 || len(batch.Alerts) > 0 {
		res, err := e.st.WriteLogs(ctx, batch)
		if err != nil {
			return fmt.Errorf("writing %d log records to %s: %w", len(batch.Records), e.st.Path(), err)
		}
		if e.feed != nil && len(res.NewAlerts) > 0 {
			e.feed.Publish(livefeed.FromWrite(store.WriteResult{NewAlerts: res.NewAlerts}))
		}
	}
	if unowned > 0 {
		return consumererror.NewPermanent(fmt.Errorf("%d log records carry no project id", unowned))
	}
	return nil
}
