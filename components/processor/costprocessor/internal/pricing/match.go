// Package pricing turns a model string and token usage into USD, using the
// embedded price snapshot plus configured overrides. It ports the matching
// and price arithmetic of @pydantic/genai-prices and adds the model-string
// clean-ups real telemetry needs (provider prefixes, Bedrock ids, Vertex
// "@" versions, date suffixes).
package pricing

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/agentstack/agentstack/components/processor/costprocessor/internal/prices"
)

// matchFunc reports whether a lower-cased model or provider string matches.
type matchFunc func(s string) bool

// compileMatch builds a matcher from the snapshot's match logic. Literal
// comparisons are case-insensitive and regexes run on the lower-cased string,
// as in the package.
func compileMatch(m prices.Match) (matchFunc, error) {
	switch {
	case m.Equals != nil:
		want := strings.ToLower(*m.Equals)
		return func(s string) bool { return s == want }, nil
	case m.StartsWith != nil:
		want := strings.ToLower(*m.StartsWith)
		return func(s string) bool { return strings.HasPrefix(s, want) }, nil
	case m.EndsWith != nil:
		want := strings.ToLower(*m.EndsWith)
		return func(s string) bool { return strings.HasSuffix(s, want) }, nil
	case m.Contains != nil:
		want := strings.ToLower(*m.Contains)
		return func(s string) bool { return strings.Contains(s, want) }, nil
	case m.Regex != nil:
		re, err := regexp.Compile(*m.Regex)
		if err != nil {
			return nil, fmt.Errorf("regex %q: %w", *m.Regex, err)
		}
		return re.MatchString, nil
	case m.Not != nil:
		inner, err := compileMatch(*m.Not)
		if err != nil {
			return nil, err
		}
		return func(s string) bool { return !inner(s) }, nil
	case len(m.Or) > 0:
		subs, err := compileAll(m.Or)
		if err != nil {
			return nil, err
		}
		return func(s string) bool {
			for _, f := range subs {
				if f(s) {
					return true
				}
			}
			return false
		}, nil
	case len(m.And) > 0:
		subs, err := compileAll(m.And)
		if err != nil {
			return nil, err
		}
		return func(s string) bool {
			for _, f := range subs {
				if !f(s) {
					return false
				}
			}
			return true
		}, nil
	default:
		return nil, errors.New("empty match clause")
	}
}

func compileAll(ms []prices.Match) ([]matchFunc, error) {
	out := make([]matchFunc, 0, len(ms))
	for _, m := range ms {
		f, err := compileMatch(m)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}
