package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"go.uber.org/zap"

	"github.com/agentstack/agentstack/api/internal/auth"
	"github.com/agentstack/agentstack/internal/livefeed"
)

// bearerProtocol prefixes a token sent as a WebSocket subprotocol
// ("bearer.<jwt>"), the one header a browser lets a page set on it.
const bearerProtocol = "bearer."

// wsWriteTimeout bounds one write; a client that cannot take a message in
// that time is gone or too slow.
const wsWriteTimeout = 5 * time.Second

type wsMessage struct {
	Type       string   `json:"type"`
	ProjectIDs []string `json:"project_ids,omitempty"`
}

type wsOut struct {
	Type       string       `json:"type"`
	Data       any          `json:"data,omitempty"`
	ProjectIDs []string     `json:"project_ids,omitempty"`
	Error      *errorDetail `json:"error,omitempty"`
}

// wsToken finds the token in ?token= or in a "bearer.<jwt>" subprotocol,
// and returns the subprotocol to echo back.
func wsToken(r *http.Request) (token, protocol string) {
	if t := r.URL.Query().Get("token"); t != "" {
		return t, ""
	}
	for _, h := range r.Header.Values("Sec-WebSocket-Protocol") {
		for _, p := range strings.Split(h, ",") {
			p = strings.TrimSpace(p)
			if strings.HasPrefix(strings.ToLower(p), bearerProtocol) {
				return p[len(bearerProtocol):], p
			}
		}
	}
	return "", ""
}

func (a *API) liveTraces(w http.ResponseWriter, r *http.Request) {
	tok, proto := wsToken(r)
	if tok == "" {
		writeError(w, http.StatusUnauthorized, codeUnauthorized, "missing token: pass ?token=<jwt> or the subprotocol bearer.<jwt>")
		return
	}
	claims, err := a.opts.Tokens.Verify(tok)
	if err != nil {
		writeError(w, http.StatusUnauthorized, codeUnauthorized, err.Error())
		return
	}
	if a.opts.Feed == nil {
		writeError(w, http.StatusServiceUnavailable, "unavailable", "the live feed is not available")
		return
	}
	owned, err := a.opts.Store.ProjectIDsOfOwner(r.Context(), claims.Subject)
	if err != nil {
		a.internal(w, "listing projects", err)
		return
	}
	opts := &websocket.AcceptOptions{OriginPatterns: a.opts.CORSAllowedOrigins}
	if proto != "" {
		opts.Subprotocols = []string{proto}
	}
	conn, err := websocket.Accept(w, r, opts)
	if err != nil {
		// Accept has answered the client already.
		a.opts.Logger.Debug("WebSocket upgrade refused", zap.Error(err))
		return
	}
	a.wg.Add(1)
	defer a.wg.Done()
	a.serveFeed(conn, claims, owned)
}

// serveFeed pushes the caller's events until the client leaves, falls
// behind, stops answering pings, or the API closes.
func (a *API) serveFeed(conn *websocket.Conn, claims auth.Claims, owned []string) {
	ctx, cancel := context.WithCancel(a.base)
	defer cancel()
	sub := a.opts.Feed.Subscribe(owned, a.opts.WSBuffer)
	defer sub.Close()
	lc := &liveConn{sub: sub}
	lc.all.Store(true)
	a.trackLive(claims.Subject, lc, true)
	defer a.trackLive(claims.Subject, lc, false)

	send := func(m wsOut) error {
		b, err := json.Marshal(m)
		if err != nil {
			return err
		}
		wctx, wcancel := context.WithTimeout(ctx, wsWriteTimeout)
		defer wcancel()
		return conn.Write(wctx, websocket.MessageText, b)
	}
	if err := send(wsOut{Type: "subscribed", ProjectIDs: nonNil(owned)}); err != nil {
		_ = conn.CloseNow()
		return
	}

	// The reader handles subscribe and ping messages; it must run for
	// conn.Ping to see pongs. It ends the loop below when the client goes.
	// Its context is not ctx: coder/websocket drops the connection without
	// a close frame when a Read's context ends, and a shutdown should say
	// "going away".
	readCtx, readCancel := context.WithCancel(context.Background())
	defer readCancel()
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		defer cancel()
		for {
			_, data, err := conn.Read(readCtx)
			if err != nil {
				return
			}
			a.handleClientMessage(ctx, data, claims, lc, send)
		}
	}()
	defer func() {
		readCancel()
		<-readerDone
	}()

	ping := time.NewTicker(a.opts.WSPingInterval)
	defer ping.Stop()
	for {
		select {
		case <-ctx.Done():
			if a.base.Err() != nil {
				_ = conn.Close(websocket.StatusGoingAway, "server shutting down")
			} else {
				_ = conn.CloseNow()
			}
			return
		case ev, open := <-sub.Events():
			if !open {
				if sub.Dropped() {
					_ = conn.Close(websocket.StatusPolicyViolation, "client too slow: events were dropped")
				} else {
					_ = conn.Close(websocket.StatusGoingAway, "live feed closed")
				}
				return
			}
			if err := send(eventMessage(ev)); err != nil {
				_ = conn.CloseNow()
				return
			}
		case <-ping.C:
			pctx, pcancel := context.WithTimeout(ctx, a.opts.WSPingInterval)
			err := conn.Ping(pctx)
			pcancel()
			if err != nil {
				_ = conn.CloseNow()
				return
			}
		}
	}
}

func (a *API) handleClientMessage(ctx context.Context, data []byte, claims auth.Claims, lc *liveConn, send func(wsOut) error) {
	var m wsMessage
	if err := json.Unmarshal(data, &m); err != nil {
		_ = send(wsOut{Type: "error", Error: &errorDetail{Code: codeBadRequest, Message: "message is not valid JSON"}})
		return
	}
	switch m.Type {
	case "ping":
		_ = send(wsOut{Type: "pong"})
	case "subscribe":
		owned, err := a.opts.Store.ProjectIDsOfOwner(ctx, claims.Subject)
		if err != nil {
			if !errors.Is(err, context.Canceled) {
				a.opts.Logger.Error("WebSocket subscribe failed", zap.Error(err))
			}
			_ = send(wsOut{Type: "error", Error: &errorDetail{Code: codeInternal, Message: "could not read projects"}})
			return
		}
		want := m.ProjectIDs
		all := len(want) == 0
		if all {
			want = owned
		}
		for _, id := range want {
			if !slices.Contains(owned, id) {
				_ = send(wsOut{Type: "error", Error: &errorDetail{Code: codeNotFound, Message: "project not found: " + id}})
				return
			}
		}
		lc.all.Store(all)
		lc.sub.SetProjects(want)
		_ = send(wsOut{Type: "subscribed", ProjectIDs: nonNil(want)})
	default:
		_ = send(wsOut{Type: "error", Error: &errorDetail{Code: codeBadRequest, Message: "unknown message type " + m.Type + ": use subscribe or ping"}})
	}
}

func eventMessage(ev livefeed.Event) wsOut {
	switch ev.Kind {
	case livefeed.KindAlert:
		return wsOut{Type: "alert", Data: toAlert(ev.Alert)}
	default:
		return wsOut{Type: "span", Data: toSpan(ev.Span)}
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// liveConn is one WebSocket's subscription. A connection following "all my
// projects" (the default, or a subscribe with no ids) is updated when its
// user creates or deletes a project.
type liveConn struct {
	sub livefeed.Subscription
	all atomic.Bool
}

func (a *API) trackLive(userID string, lc *liveConn, add bool) {
	a.liveMu.Lock()
	defer a.liveMu.Unlock()
	if add {
		if a.live[userID] == nil {
			a.live[userID] = make(map[*liveConn]struct{})
		}
		a.live[userID][lc] = struct{}{}
		return
	}
	delete(a.live[userID], lc)
	if len(a.live[userID]) == 0 {
		delete(a.live, userID)
	}
}

// refreshLive re-reads a user's projects for their "all projects"
// connections after the set changed.
func (a *API) refreshLive(ctx context.Context, userID string) {
	a.liveMu.Lock()
	conns := make([]*liveConn, 0, len(a.live[userID]))
	for lc := range a.live[userID] {
		conns = append(conns, lc)
	}
	a.liveMu.Unlock()
	if len(conns) == 0 {
		return
	}
	owned, err := a.opts.Store.ProjectIDsOfOwner(ctx, userID)
	if err != nil {
		a.opts.Logger.Warn("Could not refresh live subscriptions", zap.Error(err))
		return
	}
	for _, lc := range conns {
		if lc.all.Load() {
			lc.sub.SetProjects(owned)
		}
	}
}
