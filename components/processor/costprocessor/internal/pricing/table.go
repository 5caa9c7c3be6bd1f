package pricing

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/agentstack/agentstack/components/processor/costprocessor/internal/prices"
)

// Override is a configured price for a model: a custom or fine-tuned model
// the table lacks, or a negotiated price that replaces the table's.
type Override struct {
	// Model is compared with the model string, lower-cased, both as sent
	// and once cleaned (prefixes, Bedrock ids and "@" versions removed).
	Model string
	// Prefix makes Model match every model string that starts with it.
	Prefix bool
	// Provider, when set, limits the override to spans of that provider.
	Provider string
	Prices   prices.PriceSet
}

// Options configure a Table.
type Options struct {
	Overrides []Override
	// Aliases map a model string (an Azure deployment name, a gateway
	// route) to the model it stands for, which is then priced as usual.
	Aliases map[string]string
	// CacheSize bounds the memo of model-string lookups.
	CacheSize int
}

// Result is what a lookup found: the price entry and where it came from.
type Result struct {
	// Model is the cleaned model name reported on the span.
	Model string
	// Provider is the provider reported on the span: the one the span
	// named when it named one, else the one whose price matched.
	Provider string
	// Priced is false when no price matched.
	Priced bool
	// PriceProvider and PriceModel identify the matched entry.
	PriceProvider string
	PriceModel    string
	// Source is "override" or "<package>@<version>".
	Source string
	// PriceSource is Source with the matched entry, as written on spans:
	// "@pydantic/genai-prices@0.1.8:openai/gpt-4o", "override:azure/gpt-4o".
	PriceSource string

	prices []conditionalPrice
	// missReported lets the caller log an unpriced model once per cached
	// lookup rather than once per span.
	missReported atomic.Bool
}

// FirstMiss reports true exactly once for an unpriced result.
func (r *Result) FirstMiss() bool {
	return !r.Priced && r.missReported.CompareAndSwap(false, true)
}

type conditionalPrice struct {
	kind      constraintKind
	startDate time.Time
	// Seconds after UTC midnight; end < start wraps past midnight.
	startSec, endSec float64
	prices           prices.PriceSet
}

type constraintKind int

const (
	always constraintKind = iota
	fromDate
	timeOfDay
)

type provider struct {
	id            string
	modelMatch    matchFunc
	providerMatch matchFunc
	fallbacks     []*provider
	models        []*model
}

type model struct {
	id     string
	match  matchFunc
	prices []conditionalPrice
}

type override struct {
	model    string
	prefix   bool
	provider string
	prices   []conditionalPrice
}

// Table prices model strings. It is safe for concurrent use.
type Table struct {
	source    prices.Source
	providers []*provider
	byID      map[string]*provider
	// scanOrder puts first-party providers (those with model-name rules)
	// ahead of resellers when no provider narrows the search.
	scanOrder []*provider
	overrides []override
	aliases   map[string]string
	cache     *lookupCache
}

// NewTable compiles the snapshot's match rules and prices.
func NewTable(snap *prices.Snapshot, opts Options) (*Table, error) {
	t := &Table{
		source:  snap.Source,
		byID:    make(map[string]*provider, len(snap.Providers)),
		aliases: make(map[string]string, len(opts.Aliases)),
		cache:   newLookupCache(opts.CacheSize),
	}
	for _, sp := range snap.Providers {
		p := &provider{id: sp.ID}
		var err error
		if sp.ModelMatch != nil {
			if p.modelMatch, err = compileMatch(*sp.ModelMatch); err != nil {
				return nil, fmt.Errorf("provider %s model_match: %w", sp.ID, err)
			}
		}
		if sp.ProviderMatch != nil {
			if p.providerMatch, err = compileMatch(*sp.ProviderMatch); err != nil {
				return nil, fmt.Errorf("provider %s provider_match: %w", sp.ID, err)
			}
		}
		for _, sm := range sp.Models {
			f, err := compileMatch(sm.Match)
			if err != nil {
				return nil, fmt.Errorf("provider %s model %s: %w", sp.ID, sm.ID, err)
			}
			cps, err := compilePrices(sm.Prices)
			if err != nil {
				return nil, fmt.Errorf("provider %s model %s: %w", sp.ID, sm.ID, err)
			}
			p.models = append(p.models, &model{id: sm.ID, match: f, prices: cps})
		}
		t.providers = append(t.providers, p)
		t.byID[p.id] = p
	}
	for i, sp := range snap.Providers {
		for _, fid := range sp.FallbackModelProviders {
			if fp, ok := t.byID[fid]; ok {
				t.providers[i].fallbacks = append(t.providers[i].fallbacks, fp)
			}
		}
	}
	for _, p := range t.providers {
		if p.modelMatch != nil {
			t.scanOrder = append(t.scanOrder, p)
		}
	}
	for _, p := range t.providers {
		if p.modelMatch == nil {
			t.scanOrder = append(t.scanOrder, p)
		}
	}
	for _, o := range opts.Overrides {
		t.overrides = append(t.overrides, override{
			model:    strings.ToLower(strings.TrimSpace(o.Model)),
			prefix:   o.Prefix,
			provider: CanonicalProvider(o.Provider),
			prices:   []conditionalPrice{{kind: always, prices: o.Prices}},
		})
	}
	for k, v := range opts.Aliases {
		t.aliases[strings.ToLower(strings.TrimSpace(k))] = v
	}
	return t, nil
}

func compilePrices(in []prices.ConditionalPrice) ([]conditionalPrice, error) {
	out := make([]conditionalPrice, 0, len(in))
	for _, cp := range in {
		c := conditionalPrice{kind: always, prices: cp.Prices}
		if cp.Constraint != nil {
			switch cp.Constraint.Type {
			case "start_date":
				d, err := time.Parse(time.DateOnly, cp.Constraint.StartDate)
				if err != nil {
					return nil, fmt.Errorf("start_date: %w", err)
				}
				c.kind, c.startDate = fromDate, d
			case "time_of_date":
				s, err := secondsOfDay(cp.Constraint.StartTime)
				if err != nil {
					return nil, fmt.Errorf("start_time: %w", err)
				}
				e, err := secondsOfDay(cp.Constraint.EndTime)
				if err != nil {
					return nil, fmt.Errorf("end_time: %w", err)
				}
				c.kind, c.startSec, c.endSec = timeOfDay, s, e
			default:
				return nil, fmt.Errorf("unknown price constraint %q", cp.Constraint.Type)
			}
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no prices")
	}
	return out, nil
}

// secondsOfDay parses "16:30:00Z" or "01:00:00+08:00" into seconds after
// UTC midnight.
func secondsOfDay(s string) (float64, error) {
	t, err := time.Parse("15:04:05Z07:00", s)
	if err != nil {
		return 0, err
	}
	// UTC() folds an offset that crosses midnight onto the right hour.
	return secondsAfterMidnight(t.UTC()), nil
}

// secondsAfterMidnight is t's time of day in seconds; t is taken in its own
// location, so callers pass it in UTC.
func secondsAfterMidnight(t time.Time) float64 {
	return float64(t.Hour()*3600+t.Minute()*60+t.Second()) + float64(t.Nanosecond())/1e9
}

// Source describes the embedded snapshot.
func (t *Table) Source() prices.Source { return t.source }

// Lookup finds the price for a model string, trying the provider the span
// named first. Results, including misses, are memoised.
func (t *Table) Lookup(providerHint, modelName string) *Result {
	key := lookupKey{providerHint, modelName}
	if r, ok := t.cache.get(key); ok {
		return r
	}
	r := t.resolve(providerHint, modelName, 0)
	t.cache.put(key, r)
	return r
}

func (t *Table) resolve(providerHint, modelName string, depth int) *Result {
	lower := strings.ToLower(strings.TrimSpace(modelName))
	if target, ok := t.aliases[lower]; ok && depth < 3 {
		return t.resolve(providerHint, target, depth+1)
	}
	clean, hint, cands := expand(providerHint, modelName)
	if target, ok := t.aliases[clean]; ok && depth < 3 {
		// "azure/my-deployment": the prefix names the provider, the rest
		// is the deployment.
		return t.resolve(hint, target, depth+1)
	}
	res := &Result{Model: clean}
	hinted := t.providerFor(hint)
	switch {
	case hinted != nil:
		res.Provider = hinted.id
	default:
		res.Provider = hint
	}
	if o := t.findOverride(res.Provider, lower, clean); o != nil {
		res.Priced, res.Source, res.PriceModel, res.PriceProvider = true, "override", o.model, res.Provider
		res.prices = o.prices
		res.PriceSource = res.Source + ":" + res.PriceProvider + "/" + res.PriceModel
		return res
	}
	if hinted != nil {
		for _, c := range cands {
			p := hinted
			if c.provider != hint {
				p = t.providerFor(c.provider)
			}
			if p == nil {
				continue
			}
			if pp, m := findModel(p, c.model, true); m != nil {
				return t.found(res, pp, m)
			}
		}
	}
	for _, c := range cands {
		if p := t.providerFor(c.provider); p != nil && p != hinted {
			if pp, m := findModel(p, c.model, true); m != nil {
				return t.found(res, pp, m)
			}
		}
		for _, p := range t.providers {
			if p.modelMatch != nil && p.modelMatch(c.model) {
				if pp, m := findModel(p, c.model, true); m != nil {
					return t.found(res, pp, m)
				}
			}
		}
	}
	if hinted != nil {
		// A reseller's price for a model the named provider does not list
		// would be a guess; leave the span unpriced instead.
		return res
	}
	for _, c := range cands {
		for _, p := range t.scanOrder {
			if pp, m := findModel(p, c.model, false); m != nil {
				return t.found(res, pp, m)
			}
		}
	}
	return res
}

func (t *Table) found(res *Result, p *provider, m *model) *Result {
	res.Priced = true
	res.PriceProvider, res.PriceModel = p.id, m.id
	res.Source = t.source.Package + "@" + t.source.Version
	res.prices = m.prices
	res.PriceSource = res.Source + ":" + p.id + "/" + m.id
	if res.Provider == "" {
		res.Provider = p.id
	}
	return res
}

// providerFor resolves a provider name as the package does: by id, then by
// the providers' provider_match rules.
func (t *Table) providerFor(name string) *provider {
	if name == "" {
		return nil
	}
	if p, ok := t.byID[name]; ok {
		return p
	}
	for _, p := range t.providers {
		if p.providerMatch != nil && p.providerMatch(name) {
			return p
		}
	}
	return nil
}

// findModel returns the first model of p (then of its fallback providers)
// that matches.
func findModel(p *provider, modelName string, withFallbacks bool) (*provider, *model) {
	for _, m := range p.models {
		if m.match(modelName) {
			return p, m
		}
	}
	if withFallbacks {
		for _, fp := range p.fallbacks {
			if pp, m := findModel(fp, modelName, false); m != nil {
				return pp, m
			}
		}
	}
	return nil, nil
}

func (t *Table) findOverride(provider, lower, clean string) *override {
	for i := range t.overrides {
		o := &t.overrides[i]
		if o.provider != "" && o.provider != provider {
			continue
		}
		if o.prefix {
			if strings.HasPrefix(lower, o.model) || strings.HasPrefix(clean, o.model) {
				return o
			}
			continue
		}
		if lower == o.model || clean == o.model {
			return o
		}
	}
	return nil
}

// lookupCache is a bounded two-generation memo: when the current map fills
// it becomes the previous one and a fresh map starts, so hot keys survive
// (they are promoted on a hit) and memory stays under twice the bound.
type lookupCache struct {
	mu   sync.RWMutex
	max  int
	cur  map[lookupKey]*Result
	prev map[lookupKey]*Result
}

// lookupKey is a struct rather than a joined string so that a hit costs no
// allocation.
type lookupKey struct{ provider, model string }

func newLookupCache(size int) *lookupCache {
	if size <= 0 {
		size = 4096
	}
	half := max(size/2, 1)
	return &lookupCache{max: half, cur: make(map[lookupKey]*Result, half)}
}

func (c *lookupCache) get(key lookupKey) (*Result, bool) {
	c.mu.RLock()
	r, ok := c.cur[key]
	if ok {
		c.mu.RUnlock()
		return r, true
	}
	r, ok = c.prev[key]
	c.mu.RUnlock()
	if ok {
		c.put(key, r)
	}
	return r, ok
}

func (c *lookupCache) put(key lookupKey, r *Result) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.cur) >= c.max {
		c.prev, c.cur = c.cur, make(map[lookupKey]*Result, c.max)
	}
	c.cur[key] = r
}

func (c *lookupCache) len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.cur) + len(c.prev)
}
