package redisfeedextension

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/golden"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/extension/extensiontest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.uber.org/goleak"

	"github.com/agentstack/agentstack/components/exporter/redisstreamexporter"
	"github.com/agentstack/agentstack/components/exporter/storeexporter"
	"github.com/agentstack/agentstack/components/extension/storeextension"
	"github.com/agentstack/agentstack/internal/hostext"
	"github.com/agentstack/agentstack/internal/livefeed"
	"github.com/agentstack/agentstack/internal/redistest"
	"github.com/agentstack/agentstack/internal/semconv"
	"github.com/agentstack/agentstack/internal/testhost"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// startFeed starts the extension against srv, with YAML-style overrides.
func startFeed(t *testing.T, srv *redistest.Server, overrides map[string]any) *feedExtension {
	t.Helper()
	cfg := createDefaultConfig().(*Config)
	cfg.Endpoint = srv.Addr()
	cfg.Password = ""
	if overrides != nil {
		require.NoError(t, confmap.NewFromStringMap(overrides).Unmarshal(cfg))
	}
	require.NoError(t, cfg.Validate())
	ext, err := NewFactory().Create(context.Background(), extensiontest.NewNopSettings(Type), cfg)
	require.NoError(t, err)
	require.NoError(t, ext.Start(context.Background(), componenttest.NewNopHost()))
	t.Cleanup(func() { require.NoError(t, ext.Shutdown(context.Background())) })
	return ext.(*feedExtension)
}

// startExporter starts a redisstream exporter without a queue, so that
// ConsumeTraces returns once the entries are in Redis.
func startExporter(t *testing.T, srv *redistest.Server, password string) exporter.Traces {
	t.Helper()
	f := redisstreamexporter.NewFactory()
	cfg := f.CreateDefaultConfig().(*redisstreamexporter.Config)
	cfg.Endpoint = srv.Addr()
	cfg.Password = "" // the default has none; kept explicit for the AUTH case
	if password != "" {
		require.NoError(t, confmap.NewFromStringMap(map[string]any{"password": password}).Unmarshal(cfg))
	}
	require.NoError(t, confmap.NewFromStringMap(map[string]any{"sending_queue": map[string]any{"enabled": false}}).Unmarshal(cfg))
	exp, err := f.CreateTraces(context.Background(), exportertest.NewNopSettings(f.Type()), cfg)
	require.NoError(t, err)
	require.NoError(t, exp.Start(context.Background(), componenttest.NewNopHost()))
	t.Cleanup(func() { require.NoError(t, exp.Shutdown(context.Background())) })
	return exp
}

func goldenTraces(t *testing.T) ptrace.Traces {
	t.Helper()
	td, err := golden.ReadTraces(filepath.Join("..", "..", "exporter", "redisstreamexporter", "testdata", "traces.yaml"))
	require.NoError(t, err)
	return td
}

// alertTrace is one span of project p carrying one alert of the given rule.
func alertTrace(p string, n byte, rule string) ptrace.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr(semconv.ProjectID, p)
	sp := rs.ScopeSpans().AppendEmpty().Spans().AppendEmpty()
	sp.SetTraceID(pcommon.TraceID{n, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15})
	sp.SetSpanID(pcommon.SpanID{n, 1, 2, 3, 4, 5, 6, 7})
	sp.SetName("chat")
	sp.SetStartTimestamp(pcommon.NewTimestampFromTime(time.Now()))
	sp.SetEndTimestamp(sp.StartTimestamp() + 1000)
	ev := sp.Events().AppendEmpty()
	ev.SetName(semconv.SecurityAlertEvent)
	ev.Attributes().PutStr(semconv.AlertRule, rule)
	ev.Attributes().PutStr(semconv.AlertSeverity, "high")
	ev.Attributes().PutInt(semconv.AlertScore, 90)
	return td
}

// next waits up to within for the next event of kind k, skipping others.
func next(t *testing.T, sub livefeed.Subscription, k livefeed.Kind, within time.Duration) livefeed.Event {
	t.Helper()
	deadline := time.After(within)
	for {
		select {
		case ev, ok := <-sub.Events():
			require.True(t, ok, "the subscription was closed")
			if ev.Kind == k {
				return ev
			}
		case <-deadline:
			require.FailNow(t, "no event in time", "kind %s within %s", k, within)
		}
	}
}

func drain(sub livefeed.Subscription, quiet time.Duration) []livefeed.Event {
	var out []livefeed.Event
	for {
		select {
		case ev := <-sub.Events():
			out = append(out, ev)
		case <-time.After(quiet):
			return out
		}
	}
}

func TestAnAlertReachesAHubSubscriberWithinASecond(t *testing.T) {
	srv := redistest.Start(t)
	feed := startFeed(t, srv, nil)
	exp := startExporter(t, srv, "")
	sub := feed.LiveFeed().Subscribe([]string{"p1"}, 64)
	defer sub.Close()

	sent := time.Now()
	require.NoError(t, exp.ConsumeTraces(context.Background(), alertTrace("p1", 1, "injection.override")))
	ev := next(t, sub, livefeed.KindAlert, time.Second)
	t.Logf("alert delivered %s after the export", time.Since(sent))
	assert.Equal(t, "injection.override", ev.Alert.Rule)
	assert.Equal(t, "p1", ev.ProjectID)
	assert.EqualValues(t, 90, ev.Alert.Score)
}

// The feed must publish what the embedded store's feed publishes for the
// same batch: the same kinds, in the same order, with equal values, so the
// API's WebSocket code cannot tell them apart.
func TestPublishesTheSameEventsAsTheEmbeddedFeed(t *testing.T) {
	srv := redistest.Start(t)
	feed := startFeed(t, srv, nil)
	exp := startExporter(t, srv, "")

	storeFactory := storeextension.NewFactory()
	storeCfg := storeFactory.CreateDefaultConfig().(*storeextension.Config)
	storeCfg.Path = filepath.Join(t.TempDir(), "agentstack.db")
	storeCfg.Bootstrap.Enabled = false
	storeExt, err := storeFactory.Create(context.Background(), extensiontest.NewNopSettings(storeFactory.Type()), storeCfg)
	require.NoError(t, err)
	require.NoError(t, storeExt.Start(context.Background(), componenttest.NewNopHost()))
	defer func() { require.NoError(t, storeExt.Shutdown(context.Background())) }()
	storeExpFactory := storeexporter.NewFactory()
	storeExpCfg := storeExpFactory.CreateDefaultConfig()
	require.NoError(t, confmap.NewFromStringMap(map[string]any{"sending_queue": map[string]any{"enabled": false}}).Unmarshal(storeExpCfg))
	storeExp, err := storeExpFactory.CreateTraces(context.Background(), exportertest.NewNopSettings(storeExpFactory.Type()), storeExpCfg)
	require.NoError(t, err)
	require.NoError(t, storeExp.Start(context.Background(),
		testhost.Host{component.MustNewID("agentstack_store"): storeExt}))
	defer func() { require.NoError(t, storeExp.Shutdown(context.Background())) }()

	embedded := storeExt.(hostext.LiveFeedProvider).LiveFeed().Subscribe([]string{"p1", "p2"}, 64)
	defer embedded.Close()
	viaRedis := feed.LiveFeed().Subscribe([]string{"p1", "p2"}, 64)
	defer viaRedis.Close()

	require.NoError(t, storeExp.ConsumeTraces(context.Background(), goldenTraces(t)))
	require.NoError(t, exp.ConsumeTraces(context.Background(), goldenTraces(t)))

	want := drain(embedded, 300*time.Millisecond)
	require.Len(t, want, 6, "4 spans and 2 alerts from the store")
	var got []livefeed.Event
	deadline := time.After(5 * time.Second)
	for len(got) < len(want) {
		select {
		case ev := <-viaRedis.Events():
			got = append(got, ev)
		case <-deadline:
			require.FailNow(t, "the Redis feed delivered too little", "%d of %d events", len(got), len(want))
		}
	}
	for i := range want {
		assert.Equal(t, want[i].Kind, got[i].Kind, "event %d", i)
		assert.Equal(t, want[i].ProjectID, got[i].ProjectID, "event %d", i)
		assert.Equal(t, want[i].Span, got[i].Span, "event %d", i)
		assert.Equal(t, want[i].Alert, got[i].Alert, "event %d", i)
	}
}

func TestRetriedCopiesArePublishedOnce(t *testing.T) {
	srv := redistest.Start(t)
	feed := startFeed(t, srv, nil)
	exp := startExporter(t, srv, "")
	sub := feed.LiveFeed().Subscribe([]string{"p1", "p2"}, 64)
	defer sub.Close()
	for i := 0; i < 3; i++ {
		require.NoError(t, exp.ConsumeTraces(context.Background(), goldenTraces(t)))
	}
	got := drain(sub, 500*time.Millisecond)
	assert.Len(t, got, 6, "4 spans and 2 alerts, once each")
}

func TestResumesAfterARedisRestart(t *testing.T) {
	srv := redistest.Start(t)
	feed := startFeed(t, srv, map[string]any{"reconnect": map[string]any{"initial_interval": "50ms", "max_interval": "500ms"}})
	exp := startExporter(t, srv, "")
	sub := feed.LiveFeed().Subscribe([]string{"p1"}, 64)
	defer sub.Close()

	require.NoError(t, exp.ConsumeTraces(context.Background(), alertTrace("p1", 1, "before.restart")))
	assert.Equal(t, "before.restart", next(t, sub, livefeed.KindAlert, time.Second).Alert.Rule)

	srv.Stop()
	time.Sleep(700 * time.Millisecond) // the feed notices and backs off
	srv.Start()
	require.Eventually(t, func() bool {
		return exp.ConsumeTraces(context.Background(), alertTrace("p1", 2, "after.restart")) == nil
	}, 10*time.Second, 100*time.Millisecond)
	assert.Equal(t, "after.restart", next(t, sub, livefeed.KindAlert, 5*time.Second).Alert.Rule)
}

// A dropped connection with Redis still up: entries added while the feed
// is away must be delivered when it comes back, because it resumes from
// the last id it saw and not from "$".
func TestResumesFromTheLastIDAfterAConnectionLoss(t *testing.T) {
	srv := redistest.Start(t)
	feed := startFeed(t, srv, map[string]any{"reconnect": map[string]any{"initial_interval": "1s", "max_interval": "1s"}})
	exp := startExporter(t, srv, "")
	sub := feed.LiveFeed().Subscribe([]string{"p1"}, 64)
	defer sub.Close()
	require.NoError(t, exp.ConsumeTraces(context.Background(), alertTrace("p1", 1, "first")))
	assert.Equal(t, "first", next(t, sub, livefeed.KindAlert, time.Second).Alert.Rule)

	admin := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	defer admin.Close()
	killed, err := admin.ClientKillByFilter(context.Background(), "TYPE", "normal").Result()
	require.NoError(t, err)
	require.Positive(t, killed)
	// The feed now waits a second before reconnecting; these land meanwhile.
	require.NoError(t, exp.ConsumeTraces(context.Background(), alertTrace("p1", 2, "while.away.1")))
	require.NoError(t, exp.ConsumeTraces(context.Background(), alertTrace("p1", 3, "while.away.2")))

	assert.Equal(t, "while.away.1", next(t, sub, livefeed.KindAlert, 5*time.Second).Alert.Rule)
	assert.Equal(t, "while.away.2", next(t, sub, livefeed.KindAlert, time.Second).Alert.Rule)
	for _, ev := range drain(sub, 300*time.Millisecond) {
		assert.NotEqual(t, livefeed.KindAlert, ev.Kind, "nothing is delivered twice")
	}
}

func TestUnreadableMessagesAreSkipped(t *testing.T) {
	srv := redistest.Start(t)
	feed := startFeed(t, srv, nil)
	sub := feed.LiveFeed().Subscribe([]string{"p1"}, 64)
	defer sub.Close()
	c := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	defer c.Close()
	ctx := context.Background()
	for _, values := range [][]any{
		{"v", "2", "id", "x", "project_id", "p1"},                  // a future version
		{"v", "1", "project_id", "p1"},                             // no id
		{"v", "1", "id", "y", "project_id", "p1", "score", "high"}, // not a number
		{"v", "1", "id", "good", "rule", "seed.shape", "severity", "HIGH", "score", "80.0", "project_id", "p1"},
	} {
		require.NoError(t, c.XAdd(ctx, &redis.XAddArgs{Stream: "alerts.live", Values: values}).Err())
	}
	require.NoError(t, c.XAdd(ctx, &redis.XAddArgs{Stream: "spans.ingest",
		Values: []any{"v", "1", "format", "json", "span", "{not json"}}).Err())
	ev := next(t, sub, livefeed.KindAlert, 2*time.Second)
	assert.Equal(t, "good", ev.Alert.ID)
	assert.EqualValues(t, 80, ev.Alert.Score, "the seed's float scores are read")
	assert.Empty(t, drain(sub, 300*time.Millisecond))
}

func TestAuthenticationFailureFailsTheStart(t *testing.T) {
	srv := redistest.Start(t, redistest.WithPassword("the-right-one"))
	cfg := createDefaultConfig().(*Config)
	cfg.Endpoint = srv.Addr()
	cfg.Password = "a-wrong-one"
	ext, err := NewFactory().Create(context.Background(), extensiontest.NewNopSettings(Type), cfg)
	require.NoError(t, err)
	err = ext.Start(context.Background(), componenttest.NewNopHost())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "authentication failed")
	assert.NotContains(t, err.Error(), "a-wrong-one")
	require.NoError(t, ext.Shutdown(context.Background()))

	cfg.Password = "the-right-one"
	ext, err = NewFactory().Create(context.Background(), extensiontest.NewNopSettings(Type), cfg)
	require.NoError(t, err)
	require.NoError(t, ext.Start(context.Background(), componenttest.NewNopHost()))
	exp := startExporter(t, srv, "the-right-one")
	sub := ext.(hostext.LiveFeedProvider).LiveFeed().Subscribe([]string{"p1"}, 8)
	require.NoError(t, exp.ConsumeTraces(context.Background(), alertTrace("p1", 1, "authed")))
	assert.Equal(t, "authed", next(t, sub, livefeed.KindAlert, time.Second).Alert.Rule)
	require.NoError(t, ext.Shutdown(context.Background()))
	_, open := <-sub.Events()
	assert.False(t, open, "shutdown closes the subscriptions")
}

func TestStartsWhileRedisIsDown(t *testing.T) {
	srv := redistest.Start(t)
	srv.Stop()
	feed := startFeed(t, srv, map[string]any{"reconnect": map[string]any{"initial_interval": "50ms", "max_interval": "200ms"}})
	sub := feed.LiveFeed().Subscribe([]string{"p1"}, 8)
	defer sub.Close()
	time.Sleep(300 * time.Millisecond)
	srv.Start()
	exp := startExporter(t, srv, "")
	// The feed pins its position once it reaches Redis; alerts added after
	// that are delivered.
	require.Eventually(t, func() bool {
		require.NoError(t, exp.ConsumeTraces(context.Background(), alertTrace("p1", 1, "late")))
		select {
		case ev := <-sub.Events():
			return ev.Kind == livefeed.KindSpan || ev.Kind == livefeed.KindAlert
		case <-time.After(200 * time.Millisecond):
			return false
		}
	}, 10*time.Second, 10*time.Millisecond)
}
