package detect

// The reference implementations below are the byte-at-a-time versions of the
// scans, as they were before the eight-byte and candidate-driven fast paths.
// fastpath_test.go checks that the fast paths give exactly the same results.

import (
	"math"
	"regexp"
	"slices"
	"strings"

	"github.com/agentstack/agentstack/components/processor/securityprocessor/internal/normalize"
)

func (e *Engine) scanSecretsReference(text string, emit func(string, int, int)) {
	var hitBuf [16]int
	hit := hitBuf[:0]
	generic := false
	// Every literal and keyword starts a token (the regexes begin with \b,
	// and "-----BEGIN" or "hooks.slack.com" follow a space or '/'), so only
	// token starts are examined.
	prevAlnum := false
	for i := 0; i+1 < len(text); i++ {
		c := text[i]
		wasAlnum := prevAlnum
		prevAlnum = alnumTable[c]
		if wasAlnum {
			continue
		}
		f := e.secretFirst[c]
		if f == 0 {
			continue
		}
		// The generic keywords (key, token, secret, password …) count at a
		// word start, or after '_' / '-' as in DB_PASSWORD and x-api-key.
		if f&firstGeneric != 0 && !generic {
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

func (ix *injectionIndex) presentReference(t string, hits []anchorHit) (anchorSet, []anchorHit) {
	var set anchorSet
	for i := 0; i < len(t); {
		// At a token start, skip up to one opening quote or bracket so that
		// `"ignore` shows its anchor, while "[inst" keeps its own.
		j := i
		for k := 0; k < 2 && j < len(t); k++ {
			for _, id := range ix.short[t[j]] {
				set.set(id)
				hits = append(hits, anchorHit{id: id, pos: j})
			}
			if j+1 >= len(t) {
				break
			}
			c0, c1 := t[j], t[j+1]
			var p2, p3 uint16
			if isLower(c0) && isLower(c1) {
				p2 = ix.letterPair[int(c0-'a')*26+int(c1-'a')]
				if j+2 < len(t) && isLower(t[j+2]) {
					p3 = ix.letterTriple[(int(c0-'a')*26+int(c1-'a'))*26+int(t[j+2]-'a')]
				}
			} else {
				p2 = ix.otherPrefix[uint16(c0)<<8|uint16(c1)]
			}
			for _, p := range [2]uint16{p2, p3} {
				if p == 0 {
					continue
				}
				for _, id := range ix.pairs[p-1] {
					a := ix.anchors[id]
					if !strings.HasPrefix(t[j:], a) || (ix.exact[id] && j+len(a) < len(t) && isLetter(t[j+len(a)])) {
						continue
					}
					set.set(id)
					if ix.starts.has(id) {
						hits = append(hits, anchorHit{id: id, pos: j})
					}
				}
			}
			if c := t[j]; c != '"' && c != '\'' && c != '(' && c != '*' && c != '`' && c != '[' {
				break
			}
			j++
		}
		for i < len(t) && t[i] != ' ' {
			i++
		}
		i++
	}
	return set, hits
}

func (s *signal) matchReference(t string, set anchorSet, hits []anchorHit) string {
	if s.contains != nil {
		for _, c := range s.contains {
			if strings.Contains(t, c) {
				return s.re.FindString(t)
			}
		}
		return ""
	}
	if !s.startMask.intersects(set) {
		return ""
	}
	for _, m := range s.needMasks {
		if !m.intersects(set) {
			return ""
		}
	}
	for _, h := range hits {
		if !s.startMask.has(h.id) {
			continue
		}
		if s.colon {
			if k := strings.IndexByte(t[h.pos:min(len(t), h.pos+24)], ':'); k < 0 {
				continue
			}
		}
		end := len(t)
		if h.pos+matchWindow < end {
			end = h.pos + matchWindow
			if k := strings.LastIndexByte(t[h.pos:end], ' '); k > 0 {
				end = h.pos + k
			}
		}
		if m := s.re.FindString(t[h.pos:end]); m != "" && (s.post == nil || s.post(t, h.pos)) {
			return m
		}
	}
	return ""
}

func (ix *injectionIndex) scoreReference(folded normalize.Result, payloads []normalize.Result, indirect bool, disabled map[string]bool) InjectionHit {
	var hit InjectionHit
	var seenBuf [8]*regexp.Regexp
	seen := seenBuf[:0]
	var hitsBuf [128]anchorHit
	hits := hitsBuf[:0]
	keep := 1.0
	consider := func(s *signal, m string, ev normalize.Evasion) {
		if disabled[s.rule] {
			return
		}
		for _, re := range seen {
			if re == s.re {
				return
			}
		}
		seen = append(seen, s.re)
		keep *= 1 - s.weight
		hit.evasions |= ev
		if s.weight > hit.topW {
			hit.topW, hit.rule, hit.match = s.weight, s.rule, m
		}
		for _, f := range hit.families {
			if f == s.rule {
				return
			}
		}
		hit.families = append(hit.families, s.rule)
	}
	run := func(r normalize.Result, extra normalize.Evasion) {
		var set anchorSet
		set, hits = ix.presentReference(r.Text, hits[:0])
		for i := range ix.signals {
			s := &ix.signals[i]
			if s.indirect && !indirect {
				continue
			}
			if m := s.matchReference(r.Text, set, hits); m != "" {
				consider(s, m, r.Evasions|extra)
			}
		}
		if r.Squeezed != "" {
			for i := range ix.squeezed {
				s := &ix.squeezed[i]
				if m := s.re.FindString(r.Squeezed); m != "" {
					consider(s, m, r.Evasions|extra)
				}
			}
		}
		if indirect && len(r.Breaks) > 0 {
			embeddedReference(r, func(line string) {
				consider(&embeddedSignal, line, r.Evasions|extra)
			})
		}
	}
	run(folded, 0)
	for _, p := range payloads {
		run(p, normalize.EvasionBase64)
	}
	hit.score = int(math.Round(100 * (1 - keep)))
	return hit
}

func scanNumbersReference(s string, emit func(rule string, start, end int)) {
	var groups []numGroup
	var digits []byte
	for i := 0; i < len(s); {
		c := s[i]
		if !numStart[c] {
			i++
			continue
		}
		startsNum := isDigit(c) ||
			(c == '+' && i+1 < len(s) && (isDigit(s[i+1]) || s[i+1] == '(')) ||
			(c == '(' && i+1 < len(s) && isDigit(s[i+1]))
		if !startsNum {
			i++
			continue
		}
		if i >= 2 && isDigit(c) && isLetter(s[i-1]) && isLetter(s[i-2]) && (i == 2 || !isAlnum(s[i-3])) {
			if end, ok := ibanAt(s, i-2); ok {
				emit(RuleIBAN, i-2, end)
				i = end
				continue
			}
		}
		if i > 0 && (isAlnum(s[i-1]) || s[i-1] == '_' || (s[i-1] == '.' && i > 1 && isDigit(s[i-2]))) {
			i++
			continue
		}
		groups = groups[:0]
		j := i
		plus := false
		if s[j] == '+' {
			plus = true
			j++
		}
		var sep byte
		for j < len(s) {
			g := numGroup{sep: sep}
			k := j
			if s[k] == '(' {
				g.paren = true
				k++
			}
			st := k
			for k < len(s) && isDigit(s[k]) {
				k++
			}
			if k == st || (g.paren && (k >= len(s) || s[k] != ')')) {
				break
			}
			g.start, g.end = st, k
			if g.paren {
				k++
			}
			groups = append(groups, g)
			j = k
			if j+1 < len(s) && (s[j] == ' ' || s[j] == '-' || s[j] == '.') && (isDigit(s[j+1]) || s[j+1] == '(') {
				sep = s[j]
				j++
				continue
			}
			if g.paren && j < len(s) && isDigit(s[j]) {
				sep = 0
				continue
			}
			break
		}
		if len(groups) == 0 {
			i++
			continue
		}
		end := j
		ext := false
		if end+1 < len(s) && s[end] == 'x' && isDigit(s[end+1]) {
			ext = true
			end++
			for end < len(s) && isDigit(s[end]) {
				end++
			}
		}
		// A token glued to letters ("A123", "123abc") is an identifier.
		if end < len(s) && (isLetter(s[end]) || s[end] == '_') {
			i = end
			continue
		}
		digits = digits[:0]
		for _, g := range groups {
			digits = append(digits, s[g.start:g.end]...)
		}
		if rule, ok := classifyNumber(s, i, end, groups, string(digits), plus, ext); ok {
			emit(rule, i, end)
		}
		i = end
	}
}

// embeddedReference is injectionIndex.embedded running the regex on every
// line of four to forty words whose first word it can start with.
func embeddedReference(r normalize.Result, found func(string)) {
	start := 0
	for k := 0; k <= len(r.Breaks); k++ {
		end := len(r.Text)
		if k < len(r.Breaks) {
			end = r.Breaks[k]
		}
		line := strings.TrimSpace(r.Text[start:min(end, len(r.Text))])
		start = end + 1
		if words := strings.Count(line, " ") + 1; words < 4 || words > 40 {
			continue
		}
		first := line
		if k := strings.IndexByte(line, ' '); k > 0 {
			first = line[:k]
		}
		if embeddedFirstWords[first] != embeddedNone && embeddedRequestRe.MatchString(line) {
			found(line)
			return
		}
	}
}
