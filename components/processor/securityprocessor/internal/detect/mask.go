package detect

import (
	"strconv"
	"strings"
)

// Mask renders a match so that the kind of value is recognisable and the
// value itself is not recoverable.
func Mask(rule, m string) string {
	switch rule {
	case RuleEmail:
		at := strings.IndexByte(m, '@')
		dot := strings.LastIndexByte(m, '.')
		if at > 0 && dot > at {
			return m[:1] + "***@***" + m[dot:]
		}
	case RuleCreditCard, RuleSSN, RulePhone, RuleIBAN:
		return keepEnds(m, 0, 4, rule == RuleIBAN)
	case RuleIPv4:
		if i := strings.IndexByte(m, '.'); i > 0 {
			return m[:i] + ".*.*.*"
		}
	case RuleIPv6:
		if i := strings.IndexByte(m, ':'); i > 0 {
			return m[:i] + ":****"
		}
	case RulePrivateKey:
		if i := strings.Index(m[5:], "-----"); i > 0 {
			return m[:i+10] + " [" + strconv.Itoa(len(m)) + " bytes]"
		}
	}
	if strings.HasPrefix(rule, "secret.") || strings.HasPrefix(rule, "custom.") {
		keep := 4
		if len(m) < 12 {
			keep = 0
		}
		return m[:keep] + strings.Repeat("*", 4) + " [" + strconv.Itoa(len(m)) + " chars]"
	}
	return keepEnds(m, 1, 0, false)
}

// keepEnds replaces every letter and digit except the first head and last
// tail alphanumerics with '*', keeping separators (so "4111-1111-…" keeps its
// shape). With keepCountry, the first two letters stay too.
func keepEnds(m string, head, tail int, keepCountry bool) string {
	b := []byte(m)
	total := 0
	for _, c := range b {
		if isAlnum(c) {
			total++
		}
	}
	if keepCountry {
		head = 2
	}
	if head+tail >= total {
		head, tail = 0, 0
	}
	seen := 0
	for i, c := range b {
		if !isAlnum(c) {
			continue
		}
		if seen >= head && seen < total-tail {
			b[i] = '*'
		}
		seen++
	}
	return string(b)
}
