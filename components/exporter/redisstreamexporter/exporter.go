package redisstreamexporter

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.uber.org/zap"

	"github.com/agentstack/agentstack/components/exporter/redisstreamexporter/redisclient"
	"github.com/agentstack/agentstack/components/exporter/redisstreamexporter/streammsg"
)

// startPingTimeout bounds the connection check at start.
const startPingTimeout = 5 * time.Second

type redisExporter struct {
	cfg    *Config
	logger *zap.Logger
	client *redis.Client
}

func newRedisExporter(cfg *Config, set exporter.Settings) *redisExporter {
	return &redisExporter{cfg: cfg, logger: set.Logger}
}

// start connects once: refused credentials fail the start (they will not
// fix themselves), an unreachable server does not (the queue holds the
// spans until it is back).
func (e *redisExporter) start(ctx context.Context, _ component.Host) error {
	// go-redis retries a command twice on a broken pooled connection (a
	// server restart), before the collector's own retry takes over.
	client, err := e.cfg.NewClient(ctx, 2)
	if err != nil {
		return fmt.Errorf("redisstream exporter: %w", err)
	}
	e.client = client
	pingCtx, cancel := context.WithTimeout(ctx, startPingTimeout)
	defer cancel()
	if err := client.Ping(pingCtx).Err(); err != nil {
		if redisclient.IsAuthError(err) {
			return fmt.Errorf("redisstream exporter: %w", e.cfg.Describe(err, "connecting"))
		}
		e.logger.Warn("Redis is not reachable yet; spans wait in the sending queue and are retried",
			zap.String("endpoint", e.cfg.Endpoint), zap.Error(err))
	}
	return nil
}

func (e *redisExporter) shutdown(context.Context) error {
	if e.client == nil {
		return nil
	}
	err := e.client.Close()
	e.client = nil
	if err != nil {
		return fmt.Errorf("redisstream exporter: closing the client: %w", err)
	}
	return nil
}

// pushTraces sends one batch as one pipeline: an XADD per span, then one per
// alert of that span. A Redis fault fails the whole call so that the
// exporter helper retries it; entries that had gone through are then added
// again (at-least-once), and consumers recognise them by their ids.
func (e *redisExporter) pushTraces(ctx context.Context, td ptrace.Traces) error {
	recs, unowned := streammsg.Records(td)
	if unowned > 0 {
		e.logger.Error("Dropping spans without a project: put apikeyauth on the receiver and projectstamp first in the pipeline",
			zap.Int("spans", unowned))
	}
	if len(recs) > 0 {
		if err := e.send(ctx, recs); err != nil {
			return err
		}
	}
	if unowned > 0 {
		return consumererror.NewPermanent(fmt.Errorf("%d spans carry no project id", unowned))
	}
	return nil
}

func (e *redisExporter) send(ctx context.Context, recs []streammsg.Record) error {
	pipe := e.client.Pipeline()
	alerts := 0
	for i := range recs {
		values, err := streammsg.SpanValues(&recs[i], e.cfg.Format)
		if err != nil {
			return consumererror.NewPermanent(err)
		}
		pipe.XAdd(ctx, e.xaddArgs(e.cfg.SpanStream, e.cfg.SpanMaxLen, values))
		for j := range recs[i].Alerts {
			pipe.XAdd(ctx, e.xaddArgs(e.cfg.AlertStream, e.cfg.AlertMaxLen, streammsg.AlertValues(&recs[i].Alerts[j])))
			alerts++
		}
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return e.cfg.Describe(err, fmt.Sprintf("adding %d spans to %q and %d alerts to %q", len(recs), e.cfg.SpanStream, alerts, e.cfg.AlertStream))
	}
	return nil
}

func (e *redisExporter) xaddArgs(stream string, maxLen int64, values []any) *redis.XAddArgs {
	// Approximate trimming lets Redis drop whole macro nodes, which keeps
	// XADD O(1); the stream may exceed the cap by up to one node.
	return &redis.XAddArgs{Stream: stream, MaxLen: maxLen, Approx: maxLen > 0, Values: values}
}
