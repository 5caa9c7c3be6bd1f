package handlers

import (
	"context"
	"errors"
	"math"
	"net"
	"net/http"
	"net/mail"
	"strconv"
	"strings"

	"go.uber.org/zap"

	"github.com/agentstack/agentstack/api/internal/auth"
	"github.com/agentstack/agentstack/internal/store"
)

type ctxKey struct{}

// caller is the authenticated user of a request.
type caller struct {
	ID    string
	Email string
	Admin bool
}

func callerFrom(ctx context.Context) caller {
	c, _ := ctx.Value(ctxKey{}).(caller)
	return c
}

func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

func (a *API) requireUser(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok := bearer(r)
		if tok == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="agentstack"`)
			writeError(w, http.StatusUnauthorized, codeUnauthorized, "missing token: send Authorization: Bearer <token> from /api/v1/auth/login")
			return
		}
		c, err := a.opts.Tokens.Verify(tok)
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="agentstack", error="invalid_token"`)
			writeError(w, http.StatusUnauthorized, codeUnauthorized, err.Error())
			return
		}
		ctx := context.WithValue(r.Context(), ctxKey{}, caller{ID: c.Subject, Email: c.Email, Admin: c.Admin})
		next(w, r.WithContext(ctx))
	}
}

// clientAddr is the peer address. Forwarded headers are not trusted: any
// client could set them to escape the rate limit.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (a *API) rateLimited(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ok, wait := a.limiter.Allow(clientAddr(r))
		if !ok {
			w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
			writeError(w, http.StatusTooManyRequests, codeRateLimited, "too many attempts: retry later")
			return
		}
		next(w, r)
	}
}

type credentials struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

type userBody struct {
	ID      string `json:"id"`
	Email   string `json:"email"`
	IsAdmin bool   `json:"is_admin"`
}

type tokenBody struct {
	AccessToken string   `json:"access_token"`
	TokenType   string   `json:"token_type"`
	ExpiresAt   int64    `json:"expires_at"`
	User        userBody `json:"user"`
}

func (a *API) issue(w http.ResponseWriter, status int, u store.User) {
	tok, c, err := a.opts.Tokens.Issue(u.ID, u.Email, u.IsAdmin)
	if err != nil {
		a.internal(w, "issuing token", err)
		return
	}
	writeJSON(w, status, tokenBody{AccessToken: tok, TokenType: "bearer", ExpiresAt: c.ExpiresAt,
		User: userBody{ID: u.ID, Email: u.Email, IsAdmin: u.IsAdmin}})
}

func (a *API) internal(w http.ResponseWriter, what string, err error) {
	a.opts.Logger.Error("API request failed", zap.String("while", what), zap.Error(err))
	writeError(w, http.StatusInternalServerError, codeInternal, "internal error while "+what)
}

func (a *API) register(w http.ResponseWriter, r *http.Request) {
	var in credentials
	if !decodeBody(w, r, &in) {
		return
	}
	addr, err := mail.ParseAddress(in.Email)
	if err != nil || addr.Address != strings.TrimSpace(in.Email) || len(in.Email) > 254 {
		writeError(w, http.StatusBadRequest, codeBadRequest, "email: must be a valid email address")
		return
	}
	if err := auth.CheckPolicy(in.Password); err != nil {
		writeError(w, http.StatusBadRequest, codeBadRequest, "password: "+err.Error())
		return
	}
	hash, err := a.passwords.Hash(in.Password)
	if err != nil {
		a.internal(w, "hashing password", err)
		return
	}
	u, err := a.opts.Store.CreateUser(r.Context(), addr.Address, hash, !a.opts.AllowRegistration)
	switch {
	case errors.Is(err, store.ErrRegistrationClosed):
		writeError(w, http.StatusForbidden, codeForbidden, "registration is closed on this server")
		return
	case errors.Is(err, store.ErrConflict):
		writeError(w, http.StatusConflict, codeConflict, "this email is already registered")
		return
	case err != nil:
		a.internal(w, "creating user", err)
		return
	}
	a.opts.Logger.Info("User registered", zap.String("user_id", u.ID), zap.Bool("admin", u.IsAdmin))
	a.issue(w, http.StatusCreated, u)
}

func (a *API) login(w http.ResponseWriter, r *http.Request) {
	var in credentials
	if !decodeBody(w, r, &in) {
		return
	}
	u, err := a.opts.Store.UserByEmail(r.Context(), in.Email)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		a.internal(w, "reading user", err)
		return
	}
	// Unknown email and wrong password take the same time and get the
	// same answer.
	if !a.passwords.Check(u.PasswordHash, in.Password) {
		writeError(w, http.StatusUnauthorized, codeUnauthorized, "invalid email or password")
		return
	}
	a.issue(w, http.StatusOK, u)
}

func (a *API) me(w http.ResponseWriter, r *http.Request) {
	u, err := a.opts.Store.UserByID(r.Context(), callerFrom(r.Context()).ID)
	if errors.Is(err, store.ErrNotFound) {
		writeError(w, http.StatusUnauthorized, codeUnauthorized, "this user no longer exists")
		return
	}
	if err != nil {
		a.internal(w, "reading user", err)
		return
	}
	writeJSON(w, http.StatusOK, userBody{ID: u.ID, Email: u.Email, IsAdmin: u.IsAdmin})
}
