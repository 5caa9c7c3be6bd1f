package pricing

import (
	"time"

	"github.com/agentstack/agentstack/components/processor/costprocessor/internal/prices"
)

// Tokens is one call's usage in the package's convention: Input counts every
// input token, cache reads and writes included; Output counts every output
// token, reasoning included. The usage package converts each telemetry
// convention into this form.
type Tokens struct {
	Input      int64
	CacheRead  int64
	CacheWrite int64
	Output     int64
	Reasoning  int64
}

// Cost is a priced call in USD. Total may exceed Input+Output by a
// per-request fee, which belongs to neither.
type Cost struct {
	Input  float64
	Output float64
	Total  float64
}

// Cost prices the tokens of a call made at the given time. Only a Priced
// result has a cost; callers must check Priced first.
func (r *Result) Cost(tok Tokens, at time.Time) Cost {
	if !r.Priced {
		return Cost{}
	}
	ps := selectPrices(r.prices, at)
	basis := float64(tok.Input)

	// A token kind the model has no separate price for stays inside its
	// parent count and is charged at the parent's price.
	uncached := tok.Input
	var in float64
	if ps.CacheReadMTok != nil {
		uncached -= tok.CacheRead
		in += perMillion(ps.CacheReadMTok, tok.CacheRead, basis)
	}
	if ps.CacheWriteMTok != nil {
		uncached -= tok.CacheWrite
		in += perMillion(ps.CacheWriteMTok, tok.CacheWrite, basis)
	}
	in += perMillion(ps.InputMTok, max(uncached, 0), basis)

	visible := tok.Output
	var out float64
	if ps.OutputReasoningMTok != nil {
		visible -= tok.Reasoning
		out += perMillion(ps.OutputReasoningMTok, tok.Reasoning, basis)
	}
	out += perMillion(ps.OutputMTok, max(visible, 0), basis)

	total := in + out
	if ps.RequestsKCount != nil {
		total += ps.RequestsKCount.At(basis) / 1000
	}
	return Cost{Input: in, Output: out, Total: total}
}

func perMillion(p *prices.Price, n int64, basis float64) float64 {
	if p == nil || n <= 0 {
		return 0
	}
	return p.At(basis) * float64(n) / 1e6
}

// selectPrices applies the package's rule: scanning from the last entry,
// the first whose constraint holds wins; the first entry is the default.
func selectPrices(cps []conditionalPrice, at time.Time) prices.PriceSet {
	at = at.UTC()
	for i := len(cps) - 1; i >= 0; i-- {
		c := cps[i]
		switch c.kind {
		case always:
			return c.prices
		case fromDate:
			if !at.Before(c.startDate) {
				return c.prices
			}
		case timeOfDay:
			sec := secondsAfterMidnight(at)
			if c.endSec < c.startSec {
				if sec >= c.startSec || sec < c.endSec {
					return c.prices
				}
			} else if sec >= c.startSec && sec < c.endSec {
				return c.prices
			}
		}
	}
	return cps[0].prices
}
