package agentstackreceiver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componentstatus"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/extension/extensionauth"
	"go.opentelemetry.io/collector/receiver"
	"go.opentelemetry.io/collector/receiver/receiverhelper"
	"go.uber.org/zap"

	"github.com/agentstack/agentstack/internal/hostext"
)

// agentstackReceiver serves one HTTP endpoint for every signal it is
// configured for: the traces and logs pipelines that name the same receiver
// share it, as they share the port.
type agentstackReceiver struct {
	cfg        *Config
	set        receiver.Settings
	nextTraces consumer.Traces
	nextLogs   consumer.Logs
	obsrecv    *receiverhelper.ObsReport
	auth       extensionauth.Server
	server     *http.Server
	wg         sync.WaitGroup
	ready      atomic.Bool
	counts     counts
	maxBytes   int64

	// mu guards users, the number of pipelines that started it and have not
	// shut it down yet; the server runs while it is above zero.
	mu    sync.Mutex
	users int
	// onLast is called when the last user shuts it down.
	onLast func()
}

func newReceiver(cfg *Config, set receiver.Settings) (*agentstackReceiver, error) {
	obs, err := receiverhelper.NewObsReport(receiverhelper.ObsReportSettings{
		ReceiverID: set.ID, Transport: "http", ReceiverCreateSettings: set,
	})
	if err != nil {
		return nil, err
	}
	maxBytes := cfg.MaxRequestBodySize
	if maxBytes <= 0 {
		maxBytes = DefaultMaxRequestBodySize
	}
	return &agentstackReceiver{cfg: cfg, set: set, obsrecv: obs, maxBytes: maxBytes}, nil
}

func (r *agentstackReceiver) Start(ctx context.Context, host component.Host) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.users++
	if r.users > 1 {
		return nil
	}
	return r.start(ctx, host)
}

func (r *agentstackReceiver) start(ctx context.Context, host component.Host) error {
	auth, err := hostext.Find[extensionauth.Server](host, r.cfg.Authenticator)
	if err != nil {
		return fmt.Errorf("agentstack receiver: %w", err)
	}
	r.auth = auth

	srvCfg := r.cfg.ServerConfig
	srvCfg.MaxRequestBodySize = r.maxBytes
	r.server, err = srvCfg.ToServer(ctx, host.GetExtensions(), r.set.TelemetrySettings, r.routes(),
		confighttp.WithErrorHandler(func(w http.ResponseWriter, _ *http.Request, msg string, status int) {
			writeJSONError(w, status, codeFor(status), msg)
		}))
	if err != nil {
		return fmt.Errorf("agentstack receiver: %w", err)
	}
	ln, err := srvCfg.ToListener(ctx)
	if err != nil {
		return fmt.Errorf("agentstack receiver: listening on %s: %w", srvCfg.NetAddr.Endpoint, err)
	}
	r.set.Logger.Info("Receiving native JSON and OTLP spans", zap.String("endpoint", ln.Addr().String()))
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		if err := r.server.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) && !errors.Is(err, net.ErrClosed) {
			componentstatus.ReportStatus(host, componentstatus.NewFatalErrorEvent(err))
		}
	}()
	// The collector starts receivers last, so the pipeline behind us runs.
	r.ready.Store(true)
	return nil
}

func (r *agentstackReceiver) Shutdown(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.users > 1 {
		r.users--
		return nil
	}
	r.users = 0
	if r.onLast != nil {
		r.onLast()
	}
	r.ready.Store(false)
	var err error
	if r.server != nil {
		err = r.server.Shutdown(ctx)
	}
	r.wg.Wait()
	return err
}

func (r *agentstackReceiver) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/traces", r.handleTraces)
	mux.HandleFunc("/v1/logs", r.handleLogs)
	mux.HandleFunc("/v1/metrics", func(w http.ResponseWriter, req *http.Request) {
		writeError(w, errorFormat(req), http.StatusNotFound, "not_found",
			"AgentStack stores traces and logs, not metrics: send OTLP metrics to a metrics backend")
	})
	mux.HandleFunc("/health", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("/ready", func(w http.ResponseWriter, _ *http.Request) {
		status := http.StatusOK
		if !r.ready.Load() {
			status = http.StatusServiceUnavailable
		}
		writeJSON(w, status, r.counts.snapshot(r.ready.Load()))
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, req *http.Request) {
		writeJSONError(w, http.StatusNotFound, "not_found", fmt.Sprintf("no route for %s %s: spans go to POST /v1/traces, logs to POST /v1/logs", req.Method, req.URL.Path))
	})
	return mux
}
