package redisfeedextension

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/extension"
	"go.uber.org/zap"

	"github.com/agentstack/agentstack/components/exporter/redisstreamexporter/redisclient"
	"github.com/agentstack/agentstack/components/exporter/redisstreamexporter/streammsg"
	"github.com/agentstack/agentstack/internal/hostext"
	"github.com/agentstack/agentstack/internal/livefeed"
)

// startTimeout bounds the first contact with Redis during Start.
const startTimeout = 5 * time.Second

// latest stands for "the stream's last entry" until it is resolved.
const latest = "$"

type feedExtension struct {
	cfg    *Config
	logger *zap.Logger
	hub    *livefeed.Hub
	dedup  *recent

	client *redis.Client
	cancel context.CancelFunc
	done   chan struct{}
}

var _ hostext.LiveFeedProvider = (*feedExtension)(nil)

func newFeed(cfg *Config, set extension.Settings) *feedExtension {
	// The hub exists before Start, so that LiveFeed never returns nil to
	// an extension that asks for it early.
	return &feedExtension{cfg: cfg, logger: set.Logger, hub: livefeed.NewHub(), dedup: newRecent(cfg.DedupWindow)}
}

// LiveFeed implements hostext.LiveFeedProvider.
func (e *feedExtension) LiveFeed() livefeed.Feed { return e.hub }

// Start pins the position to each stream's current last entry, so that
// everything added from now on is delivered even if the first XREAD comes
// late, then follows the streams in the background. Refused credentials
// fail the start; an unreachable Redis does not (the loop keeps trying).
func (e *feedExtension) Start(ctx context.Context, _ component.Host) error {
	client, err := e.cfg.NewClient(ctx, -1) // the loop retries by itself
	if err != nil {
		return fmt.Errorf("redisstream_feed: %w", err)
	}
	ids := []string{latest, latest}
	startCtx, cancelStart := context.WithTimeout(ctx, startTimeout)
	resolved, err := e.lastIDs(startCtx, client)
	cancelStart()
	switch {
	case err == nil:
		ids = resolved
	case redisclient.IsAuthError(err):
		_ = client.Close()
		return fmt.Errorf("redisstream_feed: %w", e.cfg.Describe(err, "reading the streams"))
	default:
		e.logger.Warn("Redis is not reachable yet; the live feed starts when it is",
			zap.String("endpoint", e.cfg.Endpoint), zap.Error(err))
	}
	loopCtx, cancel := context.WithCancel(context.Background())
	e.client, e.cancel, e.done = client, cancel, make(chan struct{})
	go e.run(loopCtx, ids)
	return nil
}

// Shutdown stops the loop (closing the client ends a blocked XREAD) and
// closes every subscription.
func (e *feedExtension) Shutdown(context.Context) error {
	var err error
	if e.cancel != nil {
		e.cancel()
		err = e.client.Close()
		<-e.done
		e.cancel = nil
	}
	e.hub.Close()
	if err != nil && !errors.Is(err, redis.ErrClosed) {
		return fmt.Errorf("redisstream_feed: closing the client: %w", err)
	}
	return nil
}

// run reads both streams with XREAD BLOCK from the last ids seen. On an
// error it waits (exponential backoff) and resumes from the same ids, so a
// reconnect neither skips nor repeats what Redis still holds.
func (e *feedExtension) run(ctx context.Context, ids []string) {
	defer close(e.done)
	streams := []string{e.cfg.SpanStream, e.cfg.AlertStream}
	backoff := e.cfg.Reconnect.InitialInterval
	failing := false
	fail := func(err error) bool {
		if ctx.Err() != nil {
			return false
		}
		if !failing {
			e.logger.Warn("Lost the connection to Redis; the live feed reconnects and resumes from the last entries seen",
				zap.String("endpoint", e.cfg.Endpoint), zap.Strings("last_ids", ids), zap.Error(err))
		} else {
			e.logger.Debug("Redis still unreachable", zap.Error(err), zap.Duration("retry_in", backoff))
		}
		failing = true
		select {
		case <-ctx.Done():
			return false
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, e.cfg.Reconnect.MaxInterval)
		return true
	}
	for ctx.Err() == nil {
		if ids[0] == latest || ids[1] == latest {
			resolved, err := e.lastIDs(ctx, e.client)
			if err != nil {
				if !fail(err) {
					return
				}
				continue
			}
			ids = resolved
		}
		res, err := e.client.XRead(ctx, &redis.XReadArgs{
			Streams: append(append([]string{}, streams...), ids...),
			Count:   e.cfg.Count,
			Block:   e.cfg.Block,
		}).Result()
		if err != nil && !errors.Is(err, redis.Nil) {
			if !fail(err) {
				return
			}
			continue
		}
		if failing {
			e.logger.Info("Reconnected to Redis; the live feed resumes", zap.Strings("from_ids", ids))
			failing, backoff = false, e.cfg.Reconnect.InitialInterval
		}
		if len(res) > 0 {
			e.hub.Publish(e.decode(res, streams, ids))
		}
	}
}

// decode turns what XREAD returned into events, spans before alerts as the
// store's feed orders them, and advances ids past every entry read.
func (e *feedExtension) decode(res []redis.XStream, streams, ids []string) []livefeed.Event {
	var spans, alerts []livefeed.Event
	for _, st := range res {
		for _, m := range st.Messages {
			switch st.Stream {
			case streams[0]:
				ids[0] = m.ID
				spans = e.appendSpans(spans, m)
			case streams[1]:
				ids[1] = m.ID
				alerts = e.appendAlert(alerts, m)
			}
		}
	}
	return append(spans, alerts...)
}

func (e *feedExtension) appendSpans(dst []livefeed.Event, m redis.XMessage) []livefeed.Event {
	spans, err := streammsg.DecodeSpans(m.Values)
	if err != nil {
		e.logger.Warn("Skipping a span message that cannot be read", zap.String("stream", e.cfg.SpanStream),
			zap.String("id", m.ID), zap.Error(err))
		return dst
	}
	for _, sp := range spans {
		if e.dedup.seen("s\x00" + sp.ProjectID + "\x00" + sp.TraceID + "\x00" + sp.SpanID) {
			continue
		}
		dst = append(dst, livefeed.Event{Kind: livefeed.KindSpan, ProjectID: sp.ProjectID, Span: sp})
	}
	return dst
}

func (e *feedExtension) appendAlert(dst []livefeed.Event, m redis.XMessage) []livefeed.Event {
	a, err := streammsg.DecodeAlert(m.Values)
	if err != nil {
		e.logger.Warn("Skipping an alert message that cannot be read", zap.String("stream", e.cfg.AlertStream),
			zap.String("id", m.ID), zap.Error(err))
		return dst
	}
	if e.dedup.seen("a\x00" + a.ID) {
		return dst
	}
	return append(dst, livefeed.Event{Kind: livefeed.KindAlert, ProjectID: a.ProjectID, Alert: a})
}

// lastIDs returns the id of each stream's last entry, "0-0" for an empty or
// missing stream (so its first entry will be read).
func (e *feedExtension) lastIDs(ctx context.Context, client *redis.Client) ([]string, error) {
	pipe := client.Pipeline()
	cmds := []*redis.XMessageSliceCmd{
		pipe.XRevRangeN(ctx, e.cfg.SpanStream, "+", "-", 1),
		pipe.XRevRangeN(ctx, e.cfg.AlertStream, "+", "-", 1),
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, err
	}
	ids := make([]string, len(cmds))
	for i, c := range cmds {
		ids[i] = "0-0"
		if msgs := c.Val(); len(msgs) > 0 {
			ids[i] = msgs[0].ID
		}
	}
	return ids, nil
}
