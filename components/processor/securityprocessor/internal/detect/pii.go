package detect

import (
	"math/bits"
	"net/netip"
	"strings"
)

// PII rule ids.
const (
	RuleEmail      = "pii.email"
	RulePhone      = "pii.phone"
	RuleSSN        = "pii.us_ssn"
	RuleCreditCard = "pii.credit_card"
	RuleIBAN       = "pii.iban"
	RuleIPv4       = "pii.ipv4"
	RuleIPv6       = "pii.ipv6"
)

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }
func isAlnum(c byte) bool  { return isDigit(c) || isLetter(c) }
func isHex(c byte) bool    { return isDigit(c) || ((c|0x20) >= 'a' && (c|0x20) <= 'f') }

func isEmailLocal(c byte) bool {
	return isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'
}

func isDomainChar(c byte) bool { return isAlnum(c) || c == '.' || c == '-' }

// scanEmails walks from every '@' outwards instead of running a regex over
// the whole text: texts without '@' cost one IndexByte.
func scanEmails(s string, emit func(rule string, start, end int)) {
	for off := 0; off < len(s); {
		k := strings.IndexByte(s[off:], '@')
		if k < 0 {
			return
		}
		at := off + k
		off = at + 1
		l := at
		for l > 0 && isEmailLocal(s[l-1]) {
			l--
		}
		for l < at && s[l] == '.' {
			l++
		}
		r := at + 1
		for r < len(s) && isDomainChar(s[r]) {
			r++
		}
		for r > at+1 && (s[r-1] == '.' || s[r-1] == '-') {
			r--
		}
		if l == at || at-l > 64 || !validDomain(s[at+1:r]) {
			continue
		}
		emit(RuleEmail, l, r)
		off = r
	}
}

func validDomain(d string) bool {
	if len(d) < 4 || len(d) > 253 {
		return false
	}
	dot := strings.LastIndexByte(d, '.')
	if dot <= 0 {
		return false
	}
	tld := d[dot+1:]
	if len(tld) < 2 {
		return false
	}
	for i := 0; i < len(tld); i++ {
		if !isLetter(tld[i]) {
			return false
		}
	}
	for _, label := range strings.Split(d, ".") {
		if label == "" || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
	}
	return true
}

// numStart marks the bytes a number-like token can start with.
var numStart = func() (t [256]bool) {
	for _, c := range "0123456789+(" {
		t[c] = true
	}
	return t
}()

// numGroup is one run of digits inside a number-like token.
type numGroup struct {
	start, end int
	paren      bool
	sep        byte // separator before this group, 0 for none
}

// scanNumbers finds number-like tokens (digit groups joined by single spaces,
// dashes, dots or parentheses, optionally led by '+') and classifies each as
// an IPv4 address, SSN, payment card or phone number, validating each kind.
//
// A token can only start at a digit that follows a non-digit, a '+' or a
// '('; those places are found eight bytes at a time, and the bytes between
// them are never looked at one by one.
func scanNumbers(s string, emit func(rule string, start, end int)) {
	// Scratch space, on the stack.
	var groupBuf [8]numGroup
	var digitBuf [24]byte
	groups, digits := groupBuf[:0], digitBuf[:0]
	const ones, high7, high = 0x0101010101010101, 0x7f7f7f7f7f7f7f7f, 0x8080808080808080
	i := 0
	var prevDigit uint64 // high bit of the last byte of the previous word
	for base := 0; base < len(s); base += 8 {
		var x uint64
		if base+8 <= len(s) {
			x = load64(s, base)
		} else {
			for k := len(s) - 1; k >= base; k-- {
				x = x<<8 | uint64(s[k])
			}
		}
		x7 := x & high7
		// Bytes '0'..'9' (and not >= 0x80): x7 >= '0' and x7 <= '9'.
		digit := (x7 + (0x80-'0')*ones) &^ (x7 + (0x7f-'9')*ones) &^ x & high
		// '(' and '+' are 0x28 and 0x2b: one test finds the bytes 0x28..0x2b,
		// and numberAt passes over the ')' and '*' among them.
		punct := x&^(3*ones) ^ ('(' * ones)
		punct = ^((punct&high7 + high7) | punct | high7)
		cand := digit&^(digit<<8|prevDigit) | punct
		prevDigit = digit >> 56
		for cand != 0 {
			p := base + bits.TrailingZeros64(cand)/8
			cand &= cand - 1
			if p < i || p >= len(s) {
				continue
			}
			i, groups, digits = numberAt(s, p, emit, groups, digits)
		}
	}
}

// numberScan is the state of scanNumbers when it runs inside the secret
// scan's pass (scanSecretsNumbers).
type numberScan struct {
	emit      func(rule string, start, end int)
	i         int    // where scanning goes on
	prevDigit uint64 // high bit of the last byte of the previous word
}

// numberAt examines position i (a digit, '+' or '(') and returns where
// scanning goes on; groups and digits are scratch space, returned for reuse.
func numberAt(s string, i int, emit func(rule string, start, end int), groups []numGroup, digits []byte) (int, []numGroup, []byte) {
	c := s[i]
	startsNum := isDigit(c) ||
		(c == '+' && i+1 < len(s) && (isDigit(s[i+1]) || s[i+1] == '(')) ||
		(c == '(' && i+1 < len(s) && isDigit(s[i+1]))
	if !startsNum {
		return i + 1, groups, digits
	}
	if i >= 2 && isDigit(c) && isLetter(s[i-1]) && isLetter(s[i-2]) && (i == 2 || !isAlnum(s[i-3])) {
		if end, ok := ibanAt(s, i-2); ok {
			emit(RuleIBAN, i-2, end)
			return end, groups, digits
		}
	}
	if i > 0 && (isAlnum(s[i-1]) || s[i-1] == '_' || (s[i-1] == '.' && i > 1 && isDigit(s[i-2]))) {
		return i + 1, groups, digits
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
		return i + 1, groups, digits
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
		return end, groups, digits
	}
	// classifyNumber finds nothing in fewer than seven digits (a phone
	// number has seven or more, an SSN nine, a card twelve) unless they
	// are four groups (an IPv4 address): most numbers in text stop here.
	if len(groups) != 4 {
		n := 0
		for _, g := range groups {
			n += g.end - g.start
		}
		if n < 7 {
			return end, groups, digits
		}
	}
	digits = digits[:0]
	for _, g := range groups {
		digits = append(digits, s[g.start:g.end]...)
	}
	if rule, ok := classifyNumber(s, i, end, groups, string(digits), plus, ext); ok {
		emit(rule, i, end)
	}
	return end, groups, digits
}

func classifyNumber(s string, start, end int, groups []numGroup, digits string, plus, ext bool) (string, bool) {
	n := len(digits)
	sepsAll := func(c byte) bool {
		for _, g := range groups[1:] {
			if g.sep != c || g.paren {
				return false
			}
		}
		return !groups[0].paren
	}
	if !plus && !ext && len(groups) == 4 && sepsAll('.') {
		return RuleIPv4, validIPv4(s, groups)
	}
	if !plus && !ext && len(groups) == 3 && sepsAll('-') &&
		groups[0].end-groups[0].start == 3 && groups[1].end-groups[1].start == 2 && groups[2].end-groups[2].start == 4 {
		return RuleSSN, ValidSSN(digits[:3], digits[3:5], digits[5:])
	}
	if !plus && !ext && n >= 12 && n <= 19 && (len(groups) == 1 || ((sepsAll(' ') || sepsAll('-')) && cardGrouping(groups))) {
		if Luhn(digits) && CardIssuer(digits) != "" {
			return RuleCreditCard, true
		}
	}
	if isPhone(s, start, end, groups, digits, plus) {
		return RulePhone, true
	}
	return "", false
}

// cardGrouping accepts the ways cards are printed: groups of 4 (with a
// shorter last group) or Amex/Diners 4-6-5 / 4-6-4.
func cardGrouping(groups []numGroup) bool {
	sizes := make([]int, len(groups))
	for i, g := range groups {
		sizes[i] = g.end - g.start
	}
	if len(sizes) == 3 && sizes[0] == 4 && sizes[1] == 6 && (sizes[2] == 5 || sizes[2] == 4) {
		return true
	}
	for i, sz := range sizes {
		if sz != 4 && !(i == len(sizes)-1 && sz >= 1 && sz <= 4) {
			return false
		}
	}
	return true
}

func validIPv4(s string, groups []numGroup) bool {
	first := 0
	for i, g := range groups {
		v := 0
		if g.end-g.start > 3 || (g.end-g.start > 1 && s[g.start] == '0') {
			return false
		}
		for k := g.start; k < g.end; k++ {
			v = v*10 + int(s[k]-'0')
		}
		if v > 255 {
			return false
		}
		if i == 0 {
			first = v
		}
	}
	// Loopback and the unspecified address identify nobody.
	return first != 127 && first != 0
}

func isPhone(s string, start, end int, groups []numGroup, digits string, plus bool) bool {
	n := len(digits)
	if n < 7 || n > 15 {
		return false
	}
	// Amounts ("$11 055.00") and quantities are not phone numbers.
	if start > 0 {
		switch s[start-1] {
		case '$', '#', '/', ':', '=':
			return false
		}
		if start >= 2 && (s[start-2:start] == "€" || s[start-2:start] == "£" || s[start-2:start] == "¥") {
			return false
		}
	}
	if plus {
		return n >= 8
	}
	if len(groups) == 1 {
		return n == 10 || n == 11
	}
	seps := map[byte]int{}
	for _, g := range groups[1:] {
		if g.sep != 0 {
			seps[g.sep]++
		}
	}
	if seps['.'] > 0 && (len(groups) < 3 || len(seps) > 1) {
		return false // decimals and version numbers
	}
	if len(groups) >= 3 && groups[1].sep == groups[2].sep && groups[1].sep != ' ' && looksLikeDate(s, groups[:3]) {
		return false // 2024-05-01, 01.05.2024, also followed by a time
	}
	parens := false
	for _, g := range groups {
		parens = parens || g.paren
	}
	if len(groups) == 2 && !parens {
		// Two bare groups are a phone only as 2–4 digits then 4 or more
		// ("467 3395"); "90010-170" is a postcode, "17151 2450" a house number.
		if a, b := groups[0].end-groups[0].start, groups[1].end-groups[1].start; a > 4 || b < 4 {
			return false
		}
	}
	if seps[' '] == len(groups)-1 && !parens && followedByWord(s, end) {
		return false // "370 3911 Fourth Avenue": numbers of an address
	}
	for _, g := range groups {
		if g.end-g.start > 8 {
			return false
		}
	}
	return true
}

func looksLikeDate(s string, groups []numGroup) bool {
	val := func(g numGroup) int {
		v := 0
		for k := g.start; k < g.end; k++ {
			v = v*10 + int(s[k]-'0')
		}
		return v
	}
	l := func(g numGroup) int { return g.end - g.start }
	a, b, c := groups[0], groups[1], groups[2]
	year := func(g numGroup) bool { v := val(g); return l(g) == 4 && v >= 1900 && v <= 2100 }
	if year(a) && val(b) >= 1 && val(b) <= 12 && val(c) >= 1 && val(c) <= 31 {
		return true
	}
	return year(c) && l(a) <= 2 && l(b) <= 2 && val(a) >= 1 && val(b) >= 1 && val(a) <= 31 && val(b) <= 31
}

// scanIPv6 expands around each ':' that sits between hex digits or colons
// and lets netip decide.
func scanIPv6(s string, emit func(rule string, start, end int)) {
	for off := 0; off < len(s); {
		k := strings.IndexByte(s[off:], ':')
		if k < 0 {
			return
		}
		c := off + k
		off = c + 1
		if !((c > 0 && (isHex(s[c-1]) || s[c-1] == ':')) && c+1 < len(s) && (isHex(s[c+1]) || s[c+1] == ':')) {
			continue
		}
		l := c
		for l > 0 && (isHex(s[l-1]) || s[l-1] == ':' || s[l-1] == '.') {
			l--
		}
		r := c + 1
		for r < len(s) && (isHex(s[r]) || s[r] == ':' || s[r] == '.') {
			r++
		}
		for r > c+1 && s[r-1] == '.' {
			r--
		}
		off = r
		if (l > 0 && (isAlnum(s[l-1]) || s[l-1] == '_')) || (r < len(s) && (isAlnum(s[r]) || s[r] == '_')) {
			continue
		}
		tok := s[l:r]
		if strings.Count(tok, ":") < 2 {
			continue
		}
		addr, err := netip.ParseAddr(tok)
		if err != nil || !addr.Is6() || addr.IsLoopback() || addr.IsUnspecified() {
			continue
		}
		emit(RuleIPv6, l, r)
	}
}

// ibanAt reports the end of a valid IBAN starting at i.
func ibanAt(s string, i int) (int, bool) {
	if i+4 > len(s) || !(isLetter(s[i]) && isLetter(s[i+1]) && isDigit(s[i+2]) && isDigit(s[i+3])) {
		return 0, false
	}
	j := i
	for j < len(s) && isAlnum(s[j]) {
		j++
	}
	switch {
	case j-i >= 15 && j-i <= 34:
		if ValidIBAN(s[i:j]) {
			return j, true
		}
	case j-i == 4:
		var buf [34]byte
		compact := append(buf[:0], s[i:j]...)
		end := -1
		k := j
		for k+1 < len(s) && s[k] == ' ' && isAlnum(s[k+1]) && len(compact) < 34 {
			m := k + 1
			for m < len(s) && isAlnum(s[m]) && m-k-1 < 5 {
				m++
			}
			gl := m - k - 1
			if gl > 4 || len(compact)+gl > 34 {
				break
			}
			compact = append(compact, s[k+1:m]...)
			k = m
			if ValidIBAN(string(compact)) {
				end = k
			}
			if gl < 4 {
				break // only the last group may be short
			}
		}
		if end > 0 {
			return end, true
		}
	}
	return 0, false
}

// phoneLabels may follow a phone number in a contact block.
var phoneLabels = map[string]bool{"office": true, "mobile": true, "home": true, "work": true, "cell": true, "fax": true, "tel": true, "ext": true, "phone": true, "or": true, "and": true}

func followedByWord(s string, end int) bool {
	if end+1 >= len(s) || s[end] != ' ' || !isLetter(s[end+1]) {
		return false
	}
	k := end + 1
	for k < len(s) && isLetter(s[k]) {
		k++
	}
	return !phoneLabels[strings.ToLower(s[end+1:k])]
}
