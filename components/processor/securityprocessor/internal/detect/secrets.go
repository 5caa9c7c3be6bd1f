package detect

import (
	"encoding/base64"
	"encoding/json"
	"regexp"
	"strings"
)

// Secret rule ids.
const (
	RuleAWSAccessKeyID = "secret.aws_access_key_id"
	RuleAWSSecretKey   = "secret.aws_secret_access_key"
	RuleOpenAIKey      = "secret.openai_api_key"
	RuleAnthropicKey   = "secret.anthropic_api_key"
	RuleGitHubToken    = "secret.github_token"
	RuleSlackToken     = "secret.slack_token"
	RuleGoogleAPIKey   = "secret.google_api_key"
	RuleStripeKey      = "secret.stripe_key"
	RuleHuggingFace    = "secret.huggingface_token"
	RuleJWT            = "secret.jwt"
	RulePrivateKey     = "secret.private_key"
	RuleGenericSecret  = "secret.generic"
)

// secretRule is a token format with a fixed literal prefix. The regex runs
// only when one of the literals occurs, which keeps clean text cheap.
type secretRule struct {
	id       string
	literals []string
	re       *regexp.Regexp
	severity Severity
	valid    func(match string) bool
}

func secretRules() []secretRule {
	return []secretRule{
		{
			id:       RuleAWSAccessKeyID,
			literals: []string{"AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AIPA", "ANPA", "ANVA", "APKA", "AROA"},
			re:       regexp.MustCompile(`\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA)[A-Z2-7]{16}\b`),
			severity: SeverityHigh,
			valid:    func(m string) bool { return !isPlaceholder(m[4:]) },
		},
		{
			id:       RuleAnthropicKey,
			literals: []string{"sk-ant-"},
			re:       regexp.MustCompile(`\bsk-ant-(?:api|admin|sid|oat)\d{2}-[A-Za-z0-9_-]{32,}`),
			severity: SeverityCritical,
			valid:    randomTail(7),
		},
		{
			id:       RuleOpenAIKey,
			literals: []string{"sk-"},
			re:       regexp.MustCompile(`\bsk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{20,}`),
			severity: SeverityCritical,
			valid: func(m string) bool {
				if strings.HasPrefix(m, "sk-ant-") {
					return false
				}
				return randomTail(3)(m)
			},
		},
		{
			id:       RuleGitHubToken,
			literals: []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"},
			re:       regexp.MustCompile(`\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{59,})\b`),
			severity: SeverityCritical,
			valid:    randomTail(4),
		},
		{
			id:       RuleSlackToken,
			literals: []string{"xox", "xapp-", "hooks.slack.com"},
			re:       regexp.MustCompile(`\bxox[abposr]-[0-9A-Za-z-]{10,}|\bxapp-\d-[A-Z0-9]+-\d+-[a-z0-9]+|https://hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]+`),
			severity: SeverityHigh,
			valid:    func(m string) bool { return !isPlaceholder(m[5:]) },
		},
		{
			id:       RuleGoogleAPIKey,
			literals: []string{"AIza"},
			re:       regexp.MustCompile(`\bAIza[0-9A-Za-z_-]{35}`),
			severity: SeverityHigh,
			valid:    randomTail(4),
		},
		{
			id:       RuleStripeKey,
			literals: []string{"sk_live_", "rk_live_", "sk_test_", "rk_test_"},
			re:       regexp.MustCompile(`\b[rs]k_(?:live|test)_[0-9A-Za-z]{24,}\b`),
			severity: SeverityCritical,
			valid:    randomTail(8),
		},
		{
			id:       RuleHuggingFace,
			literals: []string{"hf_"},
			re:       regexp.MustCompile(`\bhf_[A-Za-z0-9]{34,40}\b`),
			severity: SeverityHigh,
			valid:    randomTail(3),
		},
		{
			id:       RuleJWT,
			literals: []string{"eyJ"},
			re:       regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{8,}`),
			severity: SeverityHigh,
			valid:    validJWT,
		},
		{
			id:       RulePrivateKey,
			literals: []string{"-----BEGIN"},
			re:       regexp.MustCompile(`-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----(?s:.*?)(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|\z)`),
			severity: SeverityCritical,
			valid: func(m string) bool {
				body := m[strings.Index(m, "-----\n")+1:]
				n := 0
				for i := 0; i < len(body); i++ {
					if isAlnum(body[i]) || body[i] == '+' || body[i] == '/' {
						n++
					}
				}
				return n >= 40 && !isPlaceholder(body)
			},
		},
	}
}

// randomTail rejects placeholders and low-entropy filler after a prefix of
// skip bytes: real tokens are random.
func randomTail(skip int) func(string) bool {
	return func(m string) bool {
		if len(m) <= skip {
			return false
		}
		tail := m[skip:]
		if isPlaceholder(tail) {
			return false
		}
		hasDigit, hasLetter := false, false
		for i := 0; i < len(tail); i++ {
			if isDigit(tail[i]) {
				hasDigit = true
			} else if isLetter(tail[i]) {
				hasLetter = true
			}
		}
		return hasLetter && (hasDigit || len(tail) >= 30) && Entropy(tail) >= 3.3
	}
}

// validJWT requires the header to decode to a JSON object naming an alg.
func validJWT(m string) bool {
	dot := strings.IndexByte(m, '.')
	hdr, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(m[:dot], "="))
	if err != nil {
		return false
	}
	var h map[string]any
	if json.Unmarshal(hdr, &h) != nil {
		return false
	}
	_, ok := h["alg"]
	return ok
}

// genericSecretRe finds "<something>key|token|secret|password = value".
var genericSecretRe = regexp.MustCompile(`(?i)([a-z0-9_.-]*(?:api[_-]?key|apikey|secret|token|passw(?:or)?d|passwd|pwd|access[_-]?key|auth[_-]?key|credentials?|private[_-]?key|client[_-]?secret))["']?\s*(?:[:=]|=>|:=|\bis\b)\s*["'\x60]?([A-Za-z0-9/+_\-.=~!@#$%^&*]{8,})`)

// genericKeywords is the prefilter for genericSecretRe, over folded text.
// Words are matched at a word start, so compounds are listed.
var genericKeywords = []string{"key", "token", "secret", "pass", "pwd", "credential", "apikey", "accesskey", "clientsecret", "authkey", "privatekey", "auth"}

// letterTriples is a set of three-letter prefixes, compared without case.
type letterTriples [26*26*26/64 + 1]uint64

func tripleIndex(a, b, c byte) (int, bool) {
	a, b, c = a|0x20, b|0x20, c|0x20
	if a-'a' >= 26 || b-'a' >= 26 || c-'a' >= 26 {
		return 0, false
	}
	return (int(a-'a')*26+int(b-'a'))*26 + int(c-'a'), true
}

func (t *letterTriples) add(w string) {
	if k, ok := tripleIndex(w[0], w[1], w[2]); ok {
		t[k/64] |= 1 << (k % 64)
	}
}

// has reports whether the triple a, b, c (any letter case) is in the set;
// bytes that are not ASCII letters are never in it.
func (t *letterTriples) has(a, b, c byte) bool {
	k, ok := tripleIndex(a, b, c)
	return ok && t[k/64]&(1<<(k%64)) != 0
}

// genericTriples holds the first three letters of every generic keyword, so
// that most word starts are rejected with one bit test.
var genericTriples = func() (t letterTriples) {
	for _, w := range genericKeywords {
		t.add(w)
	}
	return t
}()

func validGenericSecret(keyword, v string) (rule string, ok bool) {
	v = strings.TrimRight(v, ".,;")
	if len(v) < 8 || isPlaceholder(v) {
		return "", false
	}
	classes := 0
	var lower, upper, digit, other bool
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c >= 'a' && c <= 'z':
			lower = true
		case c >= 'A' && c <= 'Z':
			upper = true
		case isDigit(c):
			digit = true
		default:
			other = true
		}
	}
	for _, b := range []bool{lower, upper, digit, other} {
		if b {
			classes++
		}
	}
	kw := strings.ToLower(keyword)
	if kw2 := strings.ReplaceAll(kw, "-", "_"); strings.Contains(kw2, "aws") && strings.Contains(kw2, "secret") || strings.Contains(kw2, "secret_access_key") {
		if len(v) == 40 && Entropy(v) >= 4.0 {
			return RuleAWSSecretKey, true
		}
	}
	minEntropy := 3.5
	if strings.Contains(kw, "pass") || strings.Contains(kw, "pwd") {
		// Passwords are chosen by people and carry less entropy than keys.
		minEntropy = 2.8
	}
	if classes < 2 || !(digit || other) || Entropy(v) < minEntropy {
		return "", false
	}
	return RuleGenericSecret, true
}
