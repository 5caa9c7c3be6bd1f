package auth

import (
	"fmt"

	"golang.org/x/crypto/bcrypt"
)

// Password length bounds. bcrypt reads at most 72 bytes, so longer
// passwords are refused rather than silently truncated.
const (
	MinPasswordLen = 8
	MaxPasswordLen = 72
)

// Passwords hashes and checks passwords with bcrypt.
type Passwords struct {
	cost int
	// dummy is compared against when the user does not exist, so that a
	// login for an unknown email takes as long as one with a wrong password.
	dummy []byte
}

// NewPasswords returns a hasher of the given bcrypt cost (0: the default).
func NewPasswords(cost int) (*Passwords, error) {
	if cost == 0 {
		cost = bcrypt.DefaultCost
	}
	dummy, err := bcrypt.GenerateFromPassword([]byte("agentstack-timing-equaliser"), cost)
	if err != nil {
		return nil, fmt.Errorf("preparing password hasher: %w", err)
	}
	return &Passwords{cost: cost, dummy: dummy}, nil
}

// CheckPolicy says what is wrong with a new password, if anything.
func CheckPolicy(password string) error {
	if len(password) < MinPasswordLen {
		return fmt.Errorf("password must be at least %d characters", MinPasswordLen)
	}
	if len(password) > MaxPasswordLen {
		return fmt.Errorf("password must be at most %d bytes", MaxPasswordLen)
	}
	return nil
}

// Hash hashes a password that passed CheckPolicy.
func (p *Passwords) Hash(password string) (string, error) {
	if err := CheckPolicy(password); err != nil {
		return "", err
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), p.cost)
	if err != nil {
		return "", fmt.Errorf("hashing password: %w", err)
	}
	return string(h), nil
}

// Check reports whether password matches hash. An empty hash (no such
// user) still costs one comparison.
func (p *Passwords) Check(hash, password string) bool {
	if hash == "" {
		_ = bcrypt.CompareHashAndPassword(p.dummy, []byte(password))
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil
}
