package detect

import (
	"fmt"
	"math/bits"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/agentstack/agentstack/components/processor/securityprocessor/internal/classify"
	"github.com/agentstack/agentstack/components/processor/securityprocessor/internal/normalize"
)

// Config selects what an Engine looks for.
type Config struct {
	Injection bool
	PII       bool
	Secrets   bool
	// InjectionThreshold is the score (1–100) from which injection evidence
	// becomes a finding.
	InjectionThreshold int
	// Disabled lists rule ids that never report.
	Disabled []string
	Custom   []CustomRule
	// AllowValues are literal strings that are never findings, and
	// AllowPatterns regexes whose full match on a finding's text cancels it.
	AllowValues   []string
	AllowPatterns []string
}

// CustomRule is a user-supplied regex.
type CustomRule struct {
	Name     string
	Pattern  string
	Severity Severity
}

// Engine scans strings. It is immutable after New and safe for concurrent use.
type Engine struct {
	cfg Config
	// secretPairs indexes the secret rules' literals by their first two
	// bytes (1+index into secretLits), so that one pass over a text finds
	// which rules can match.
	secretPairs []uint8
	secretBits  [1024]uint64 // the same pairs as a bitset that fits in L1
	secretLits  [][]secretLit
	// secretFirst flags the bytes that can start a literal or a generic
	// keyword.
	secretFirst [256]uint8
	// startHashes is a one-hash Bloom filter of the first three bytes of
	// every literal and of every generic keyword (in any letter case): a
	// token start not in it is passed over with one bit test.
	startHashes [startHashBits / 64]uint64
	// secretPunctLits are the literals that begin with a byte other than a
	// letter or digit ("-----BEGIN").
	secretPunctLits []secretLit
	disabled        map[string]bool
	injection       *injectionIndex
	secrets         []secretRule
	custom          []compiledCustom
	allowVals       map[string]bool
	allowRes        []*regexp.Regexp
	// previewer masks PII and secrets inside injection previews.
	previewer *Engine
}

var alnumTable = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = isAlnum(byte(c))
	}
	return t
}()

const (
	firstLiteral = 1 << iota
	firstGeneric
)

type secretLit struct {
	lit  string
	rule int
}

type compiledCustom struct {
	rule     string
	re       *regexp.Regexp
	severity Severity
}

const startHashBits = 1 << 15

// startHash hashes the first three bytes of a token into startHashes.
func startHash(a, b, c byte) uint32 {
	return startHash24(uint32(a) | uint32(b)<<8 | uint32(c)<<16)
}

// startHash24 is startHash of the three bytes held little-endian in the low
// 24 bits of k, so that the scan hashes them straight from one 8-byte load.
func startHash24(k uint32) uint32 {
	return (k & 0xffffff) * 0x9E3779B1 >> (32 - 15)
}

// CustomRuleID is the rule id reported for a custom rule.
func CustomRuleID(name string) string { return "custom." + name }

// New compiles the configuration.
func New(cfg Config) (*Engine, error) {
	e := &Engine{
		cfg:       cfg,
		disabled:  map[string]bool{},
		injection: newInjectionIndex(),
		secrets:   secretRules(),
		allowVals: map[string]bool{},
	}
	e.secretPairs = make([]uint8, 1<<16)
	for ri, r := range e.secrets {
		for _, l := range r.literals {
			k := uint16(l[0])<<8 | uint16(l[1])
			if e.secretPairs[k] == 0 {
				e.secretLits = append(e.secretLits, nil)
				e.secretPairs[k] = uint8(len(e.secretLits))
			}
			e.secretLits[e.secretPairs[k]-1] = append(e.secretLits[e.secretPairs[k]-1], secretLit{lit: l, rule: ri})
			e.secretBits[k/64] |= 1 << (k % 64)
			e.secretFirst[l[0]] |= firstLiteral
			if !alnumTable[l[0]] {
				e.secretPunctLits = append(e.secretPunctLits, secretLit{lit: l, rule: ri})
			}
		}
	}
	for _, w := range genericKeywords {
		e.secretFirst[w[0]] |= firstGeneric
		e.secretFirst[w[0]-('a'-'A')] |= firstGeneric
		for _, a := range []byte{w[0], w[0] - ('a' - 'A')} {
			for _, b := range []byte{w[1], w[1] - ('a' - 'A')} {
				for _, c := range []byte{w[2], w[2] - ('a' - 'A')} {
					h := startHash(a, b, c)
					e.startHashes[h/64] |= 1 << (h % 64)
				}
			}
		}
	}
	for _, r := range e.secrets {
		for _, l := range r.literals {
			if len(l) < 3 {
				panic("detect: secret literal shorter than three bytes")
			}
			h := startHash(l[0], l[1], l[2])
			e.startHashes[h/64] |= 1 << (h % 64)
		}
	}
	if e.cfg.InjectionThreshold <= 0 {
		e.cfg.InjectionThreshold = 50
	}
	for _, r := range cfg.Disabled {
		e.disabled[r] = true
	}
	for _, c := range cfg.Custom {
		re, err := regexp.Compile(c.Pattern)
		if err != nil {
			return nil, fmt.Errorf("custom rule %q: %w", c.Name, err)
		}
		e.custom = append(e.custom, compiledCustom{rule: CustomRuleID(c.Name), re: re, severity: c.Severity})
	}
	for _, v := range cfg.AllowValues {
		e.allowVals[v] = true
	}
	for _, p := range cfg.AllowPatterns {
		re, err := regexp.Compile(`^(?:` + p + `)$`)
		if err != nil {
			return nil, fmt.Errorf("allow-list pattern %q: %w", p, err)
		}
		e.allowRes = append(e.allowRes, re)
	}
	pv := *e
	pv.cfg = Config{PII: true, Secrets: true}
	pv.disabled, pv.allowVals, pv.allowRes, pv.custom = map[string]bool{}, map[string]bool{}, nil, nil
	e.previewer = &pv
	return e, nil
}

// Rules lists every built-in rule id.
func Rules() []string {
	return []string{
		RuleInstructionOverride, RuleRoleHijack, RuleSystemPromptExtraction, RuleJailbreakPersona,
		RuleDelimiter, RuleFakeRole, RuleIndirectInstruction, RuleEmbeddedRequest, RuleExfiltration,
		RuleEmail, RulePhone, RuleSSN, RuleCreditCard, RuleIBAN, RuleIPv4, RuleIPv6,
		RuleAWSAccessKeyID, RuleAWSSecretKey, RuleOpenAIKey, RuleAnthropicKey, RuleGitHubToken,
		RuleSlackToken, RuleGoogleAPIKey, RuleStripeKey, RuleHuggingFace, RuleJWT, RulePrivateKey,
		RuleGenericSecret,
	}
}

// RuleType returns the family of a built-in or custom rule id.
func RuleType(rule string) Type {
	switch {
	case strings.HasPrefix(rule, "injection."):
		return TypeInjection
	case strings.HasPrefix(rule, "pii."):
		return TypePII
	case strings.HasPrefix(rule, "secret."):
		return TypeSecret
	case strings.HasPrefix(rule, "anomaly."):
		return TypeAnomaly
	}
	return TypeCustom
}

func (e *Engine) allowed(s string) bool {
	if e.allowVals[s] {
		return true
	}
	for _, re := range e.allowRes {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}

// Scan appends to dst the findings in text, which came from src.
func (e *Engine) Scan(text string, src Source, dst []Finding) []Finding {
	if text == "" || (len(e.allowVals) > 0 || len(e.allowRes) > 0) && e.allowed(text) {
		return dst
	}
	base := len(dst)
	// The secret scan and the fold both start from the text's classified
	// blocks, made once.
	sc := scratches.Get().(*scratch)
	defer e.putScratch(sc)
	var blocks []classify.Block
	if e.cfg.Secrets || e.cfg.Injection && scansInjection(src) {
		sc.classify(text)
		blocks = sc.blocks
	}
	emit := func(rule string, start, end int) {
		if e.disabled[rule] {
			return
		}
		m := text[start:end]
		if e.allowed(m) {
			return
		}
		dst = append(dst, Finding{
			Rule: rule, Type: RuleType(rule), Severity: ruleSeverity(rule), Score: ruleScore(rule),
			Description: ruleDescription(rule), Start: start, End: end, Preview: Mask(rule, m),
		})
	}
	switch {
	case e.cfg.Secrets && e.cfg.PII:
		// One pass over the bytes finds the secret scan's token starts and
		// the numbers; the numbers are reported after the e-mails, in the
		// order of the separate scans below.
		var numBuf [8]numberHit
		nums := e.scanSecretsNumbers(text, blocks, emit, numBuf[:0])
		scanEmails(text, emit)
		for _, h := range nums {
			emit(h.rule, h.start, h.end)
		}
		scanIPv6(text, emit)
	case e.cfg.Secrets:
		e.scanSecrets(text, blocks, emit)
	case e.cfg.PII:
		scanEmails(text, emit)
		// scanNumbers also tries an IBAN where a digit run follows two letters.
		scanNumbers(text, emit)
		scanIPv6(text, emit)
	}
	for _, c := range e.custom {
		if e.disabled[c.rule] {
			continue
		}
		for _, loc := range c.re.FindAllStringIndex(text, 16) {
			if loc[1] > loc[0] && !e.allowed(text[loc[0]:loc[1]]) {
				dst = append(dst, Finding{
					Rule: c.rule, Type: TypeCustom, Severity: c.severity, Score: 70,
					Description: "custom rule " + strings.TrimPrefix(c.rule, "custom."),
					Start:       loc[0], End: loc[1], Preview: Mask(c.rule, text[loc[0]:loc[1]]),
				})
			}
		}
	}
	dst = dropOverlaps(dst, base)
	if e.cfg.Injection && scansInjection(src) {
		if f, ok := e.injectionWith(text, src, sc); ok {
			dst = append(dst, f)
		}
	}
	return dst
}

// scansInjection: model output and span names are not where attacks arrive.
func scansInjection(src Source) bool {
	return src != SourceModelOutput && src != SourceSpanName
}

// Injection scores text for prompt injection and returns a finding when the
// score reaches the threshold.
func (e *Engine) Injection(text string, src Source) (Finding, bool) {
	sc := scratches.Get().(*scratch)
	defer e.putScratch(sc)
	sc.classify(text)
	return e.injectionWith(text, src, sc)
}

// injectionWith is Injection working in sc, which holds text classified.
func (e *Engine) injectionWith(text string, src Source, sc *scratch) (Finding, bool) {
	hit := e.injectionScore(text, src, sc)
	if hit.score < e.cfg.InjectionThreshold {
		return Finding{}, false
	}
	desc := "prompt injection: " + strings.Join(hit.families, ", ")
	if src == SourceToolOutput || src == SourceRetrieval {
		desc = "indirect " + desc
	}
	if hit.evasions != 0 {
		desc += " (evasion: " + hit.evasions.String() + ")"
	}
	return Finding{
		Rule: hit.rule, Type: TypeInjection, Severity: injectionSeverity(hit.score), Score: hit.score,
		Description: desc, Start: 0, End: len(text), Preview: e.maskPreview(hit.match),
	}, true
}

// InjectionScore returns the raw evidence, for reports that sweep thresholds.
func (e *Engine) InjectionScore(text string, src Source) InjectionHit {
	sc := scratches.Get().(*scratch)
	defer e.putScratch(sc)
	sc.classify(text)
	return e.injectionScore(text, src, sc)
}

// injectionScore is InjectionScore working in sc, which holds text
// classified.
func (e *Engine) injectionScore(text string, src Source, sc *scratch) InjectionHit {
	folded := normalize.FoldClassified(text, &sc.fold, sc.blocks)
	var payloads []normalize.Result
	if folded.Encoded {
		for _, p := range normalize.Base64Payloads(text, 16, 4) {
			payloads = append(payloads, normalize.Fold(p))
		}
	}
	indirect := src == SourceToolOutput || src == SourceRetrieval
	hit, hits := e.injection.scoreWith(folded, payloads, indirect, e.disabled, sc.hits[:0])
	// The match may point into the pooled buffer: copy it before the
	// buffer goes back.
	hit.match = strings.Clone(hit.match)
	sc.hits = hits
	if e.allowed(hit.match) {
		return InjectionHit{}
	}
	return hit
}

// scratch is what scanning a text works in: its classified blocks, the
// storage it is folded into and the anchor hits' list.
type scratch struct {
	blocks []classify.Block
	fold   normalize.Scratch
	hits   []anchorHit
}

// classify puts text's classified blocks in sc.blocks.
func (sc *scratch) classify(text string) {
	sc.blocks = classify.Blocks(text, sc.blocks[:0])
}

// putScratch returns sc to the pool, without the storage that grew past
// what is worth keeping.
func (e *Engine) putScratch(sc *scratch) {
	if sc.fold.Size() > maxPooledFold {
		sc.fold = normalize.Scratch{}
	}
	if cap(sc.blocks) > maxPooledBlocks {
		sc.blocks = nil
	}
	if cap(sc.hits) > maxPooledHits {
		sc.hits = make([]anchorHit, 0, 128)
	}
	scratches.Put(sc)
}

// scratches holds scratch space, so that scanning a text neither allocates
// nor zeroes it; fold storage above maxPooledFold bytes and hit lists
// above maxPooledHits are not kept.
var scratches = sync.Pool{New: func() any { return &scratch{hits: make([]anchorHit, 0, 128)} }}

const (
	maxPooledFold   = 1 << 18
	maxPooledBlocks = 1 << 12
	maxPooledHits   = 1 << 12
)

// Score is the injection score of a hit.
func (h InjectionHit) Score() int { return h.score }

// Rule is the rule id of the strongest signal of a hit.
func (h InjectionHit) Rule() string { return h.rule }

// maskPreview keeps the trigger phrase of an injection but masks any PII or
// secret it happens to contain, so the preview never leaks what redaction hides.
func (e *Engine) maskPreview(m string) string {
	if len(m) > 120 {
		m = m[:120] + "…"
	}
	fs := e.previewer.Scan(m, SourceModelOutput, nil)
	for i := len(fs) - 1; i >= 0; i-- {
		m = m[:fs[i].Start] + fs[i].Preview + m[fs[i].End:]
	}
	return m
}

func (e *Engine) scanSecrets(text string, blocks []classify.Block, emit func(string, int, int)) {
	e.scanSecretsWith(text, blocks, emit, nil)
}

// numberHit is a number finding held back by scanSecretsNumbers.
type numberHit struct {
	rule       string
	start, end int
}

// scanSecretsNumbers is scanSecrets and scanNumbers in one pass over text:
// it reports the secrets through emit and returns the numbers, in the order
// scanNumbers reports them, appended to nums.
func (e *Engine) scanSecretsNumbers(text string, blocks []classify.Block, emit func(string, int, int), nums []numberHit) []numberHit {
	var ns numberScan
	ns.emit = func(rule string, start, end int) { nums = append(nums, numberHit{rule, start, end}) }
	e.scanSecretsWith(text, blocks, emit, &ns)
	return nums
}

// scanSecretsWith is scanSecrets; with ns set, the same pass also runs
// scanNumbers (its loop body, kept in step with it).
func (e *Engine) scanSecretsWith(text string, blocks []classify.Block, emit func(string, int, int), ns *numberScan) {
	var hitBuf [16]int
	hit := hitBuf[:0]
	generic := false
	// Every literal and keyword starts a token (the regexes begin with \b,
	// and "-----BEGIN" or "hooks.slack.com" follow a space or '/'), so only
	// token starts are examined: the bytes after a byte that is not a letter
	// or digit (and the first byte), except the last byte.
	//
	// Literals that begin with a letter or digit are looked up at the
	// starts of letter/digit runs, found 64 bytes at a time; the others
	// ("-----BEGIN") are searched for directly.
	for _, l := range e.secretPunctLits {
		for off := 0; off+1 < len(text); {
			k := strings.Index(text[off:], l.lit)
			if k < 0 {
				break
			}
			i := off + k
			off = i + 1
			if i+1 < len(text) && (i == 0 || !alnumTable[text[i-1]]) {
				if !slices.Contains(hit, l.rule) {
					hit = append(hit, l.rule)
				}
				break
			}
		}
	}
	// numberAt's scratch space, zeroed once per text rather than per number.
	var groupBuf [8]numGroup
	var digitBuf [24]byte
	// prevAlnum and prevDigit carry the last bit of a block over.
	var prevAlnum, prevDigit uint64
	for bi := range blocks {
		blk := &blocks[bi]
		base := bi * classify.BlockSize
		if ns != nil {
			// What scanNumbers does with the block: it tries a number
			// at the first digit of a run, and at '(', ')', '*' and '+'.
			for cand := blk.Digit&^(blk.Digit<<1|prevDigit) | blk.NumPunct; cand != 0; cand &= cand - 1 {
				p := base + bits.TrailingZeros64(cand)
				if p < ns.i || p >= len(text) {
					continue
				}
				ns.i, _, _ = numberAt(text, p, ns.emit, groupBuf[:0], digitBuf[:0])
			}
			prevDigit = blk.Digit >> 63
		}
		starts := blk.Alnum &^ (blk.Alnum<<1 | prevAlnum)
		prevAlnum = blk.Alnum >> 63
		for starts != 0 {
			i := base + bits.TrailingZeros64(starts)
			starts &= starts - 1
			var w uint32
			if i+4 <= len(text) {
				w = load32(text, i)
			} else {
				// Every literal and keyword is three bytes or longer.
				if i+2 >= len(text) {
					break
				}
				w = uint32(text[i]) | uint32(text[i+1])<<8 | uint32(text[i+2])<<16
			}
			if h := startHash24(w); e.startHashes[h/64]&(1<<(h%64)) == 0 {
				continue
			}
			c := byte(w)
			f := e.secretFirst[c]
			// The generic keywords (key, token, secret, password …) count at a
			// word start, or after '_' / '-' as in DB_PASSWORD and x-api-key.
			if f&firstGeneric != 0 && !generic && i+3 <= len(text) && genericTriples.has(c, text[i+1], text[i+2]) {
				for _, w := range genericKeywords {
					if w[0] == c|0x20 && len(text)-i >= len(w) && strings.EqualFold(text[i:i+len(w)], w) {
						generic = true
						break
					}
				}
			}
			if f&firstLiteral == 0 {
				continue
			}
			k := uint16(c)<<8 | uint16(text[i+1])
			if e.secretBits[k/64]&(1<<(k%64)) == 0 {
				continue
			}
			for _, l := range e.secretLits[e.secretPairs[k]-1] {
				if !slices.Contains(hit, l.rule) && strings.HasPrefix(text[i:], l.lit) {
					hit = append(hit, l.rule)
				}
			}
		}
	}
	slices.Sort(hit)
	for _, ri := range hit {
		r := &e.secrets[ri]
		for _, loc := range r.re.FindAllStringIndex(text, 16) {
			if r.valid(text[loc[0]:loc[1]]) {
				emit(r.id, loc[0], loc[1])
			}
		}
	}
	if !generic {
		return
	}
	for _, m := range genericSecretRe.FindAllStringSubmatchIndex(text, 16) {
		kw := text[m[2]:m[3]]
		vs, ve := m[4], m[5]
		for ve > vs && strings.ContainsRune(".,;", rune(text[ve-1])) {
			ve--
		}
		if rule, ok := validGenericSecret(kw, text[vs:ve]); ok {
			emit(rule, vs, ve)
		}
	}
}

// dropOverlaps keeps, among findings from dst[base:] whose ranges overlap,
// the first reported (secrets before PII, specific before generic).
func dropOverlaps(dst []Finding, base int) []Finding {
	fs := dst[base:]
	if len(fs) < 2 {
		return dst
	}
	keep := fs[:0]
	for i := range fs {
		overlap := false
		for _, k := range keep {
			if fs[i].Start < k.End && k.Start < fs[i].End {
				overlap = true
				break
			}
		}
		if !overlap {
			keep = append(keep, fs[i])
		}
	}
	sort.SliceStable(keep, func(a, b int) bool { return keep[a].Start < keep[b].Start })
	return dst[:base+len(keep)]
}

func injectionSeverity(score int) Severity {
	switch {
	case score >= 85:
		return SeverityCritical
	case score >= 70:
		return SeverityHigh
	case score >= 40:
		return SeverityMedium
	}
	return SeverityLow
}

type ruleInfo struct {
	severity Severity
	score    int
	desc     string
}

var ruleInfos = map[string]ruleInfo{
	RuleEmail:          {SeverityLow, 90, "e-mail address"},
	RulePhone:          {SeverityLow, 70, "phone number"},
	RuleSSN:            {SeverityHigh, 85, "US social security number (valid area, group and serial)"},
	RuleCreditCard:     {SeverityHigh, 95, "payment card number (Luhn and issuer prefix valid)"},
	RuleIBAN:           {SeverityMedium, 95, "IBAN (country length and mod-97 checksum valid)"},
	RuleIPv4:           {SeverityLow, 80, "IPv4 address"},
	RuleIPv6:           {SeverityLow, 80, "IPv6 address"},
	RuleAWSAccessKeyID: {SeverityHigh, 95, "AWS access key id"},
	RuleAWSSecretKey:   {SeverityCritical, 90, "AWS secret access key"},
	RuleOpenAIKey:      {SeverityCritical, 90, "OpenAI API key"},
	RuleAnthropicKey:   {SeverityCritical, 95, "Anthropic API key"},
	RuleGitHubToken:    {SeverityCritical, 95, "GitHub token"},
	RuleSlackToken:     {SeverityHigh, 90, "Slack token or webhook"},
	RuleGoogleAPIKey:   {SeverityHigh, 90, "Google API key"},
	RuleStripeKey:      {SeverityCritical, 95, "Stripe secret or restricted key"},
	RuleHuggingFace:    {SeverityHigh, 85, "Hugging Face token"},
	RuleJWT:            {SeverityHigh, 85, "JSON Web Token"},
	RulePrivateKey:     {SeverityCritical, 99, "private key block"},
	RuleGenericSecret:  {SeverityHigh, 70, "high-entropy secret assigned to a key/token/secret/password name"},
}

func ruleSeverity(rule string) Severity {
	if ri, ok := ruleInfos[rule]; ok {
		return ri.severity
	}
	return SeverityMedium
}

func ruleScore(rule string) int {
	if ri, ok := ruleInfos[rule]; ok {
		return ri.score
	}
	return 70
}

func ruleDescription(rule string) string {
	if ri, ok := ruleInfos[rule]; ok {
		return ri.desc
	}
	return rule
}
