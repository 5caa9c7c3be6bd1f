// Package auth holds the API's user authentication: HS256 JSON Web Tokens,
// password hashing, the signing secret and a per-client rate limiter.
package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Issuer is the iss claim of every token, so that a token made for another
// service with the same secret is refused.
const Issuer = "agentstack"

// ErrInvalidToken is returned for any token that does not verify; the
// reason is not told to the client.
var ErrInvalidToken = errors.New("invalid or expired token")

// Claims are what a token says about its user.
type Claims struct {
	Subject   string `json:"sub"`
	Email     string `json:"email"`
	Admin     bool   `json:"adm,omitempty"`
	Issuer    string `json:"iss"`
	IssuedAt  int64  `json:"iat"`
	ExpiresAt int64  `json:"exp"`
}

// Tokens signs and verifies HS256 tokens. HS256 is the only algorithm it
// accepts, so a token's header cannot choose a weaker one ("none").
type Tokens struct {
	secret []byte
	ttl    time.Duration
	now    func() time.Time
}

// NewTokens returns a signer with the given secret and lifetime.
func NewTokens(secret []byte, ttl time.Duration) *Tokens {
	return &Tokens{secret: append([]byte(nil), secret...), ttl: ttl, now: time.Now}
}

// headerHS256 is the fixed, pre-encoded token header.
var headerHS256 = base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))

// Issue makes a token for a user.
func (t *Tokens) Issue(userID, email string, admin bool) (string, Claims, error) {
	now := t.now()
	c := Claims{Subject: userID, Email: email, Admin: admin, Issuer: Issuer, IssuedAt: now.Unix(), ExpiresAt: now.Add(t.ttl).Unix()}
	payload, err := json.Marshal(c)
	if err != nil {
		return "", Claims{}, fmt.Errorf("encoding token claims: %w", err)
	}
	signing := headerHS256 + "." + base64.RawURLEncoding.EncodeToString(payload)
	return signing + "." + base64.RawURLEncoding.EncodeToString(t.sign(signing)), c, nil
}

func (t *Tokens) sign(s string) []byte {
	m := hmac.New(sha256.New, t.secret)
	m.Write([]byte(s))
	return m.Sum(nil)
}

// Verify checks a token's signature, algorithm, issuer and expiry.
func (t *Tokens) Verify(token string) (Claims, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return Claims{}, ErrInvalidToken
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || !hmac.Equal(sig, t.sign(parts[0]+"."+parts[1])) {
		return Claims{}, ErrInvalidToken
	}
	hb, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return Claims{}, ErrInvalidToken
	}
	var h struct {
		Alg string `json:"alg"`
	}
	if json.Unmarshal(hb, &h) != nil || h.Alg != "HS256" {
		return Claims{}, ErrInvalidToken
	}
	pb, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return Claims{}, ErrInvalidToken
	}
	var c Claims
	if json.Unmarshal(pb, &c) != nil || c.Subject == "" || c.Issuer != Issuer {
		return Claims{}, ErrInvalidToken
	}
	if t.now().Unix() >= c.ExpiresAt {
		return Claims{}, ErrInvalidToken
	}
	return c, nil
}
