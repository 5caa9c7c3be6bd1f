// Package normalize folds text into a canonical lower-case ASCII-ish form so
// that detection rules written for plain English are not defeated by cheap
// evasions: letter case, zero-width and bidi characters, homoglyphs from other
// scripts, full-width forms, diacritics, leetspeak, spaced-out letters and
// base64-wrapped payloads.
package normalize

import (
	"encoding/base64"
	"encoding/binary"
	"math/bits"
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/agentstack/agentstack/components/processor/securityprocessor/internal/classify"
)

// Result is the folded form of a text.
type Result struct {
	// Text is lower-cased, with whitespace runs collapsed to one space,
	// invisible characters dropped, homoglyphs and diacritics mapped to ASCII
	// letters and leetspeak inside words decoded.
	Text string
	// Squeezed holds only the letters of Text, and is set only when the text
	// shows letter-spacing evasion ("i g n o r e", "i.g.n.o.r.e"), so that
	// rules can still see the words.
	Squeezed string
	// Evasions lists the evasion techniques that were undone, for the alert
	// description.
	Evasions Evasion
	// Breaks holds the offsets in Text of the spaces that replaced a line
	// break, so that line-oriented rules can still see lines.
	Breaks []int
	// Starts holds the offsets in Text of the bytes that follow a space:
	// with offset 0, where the tokens start.
	Starts []int32
	// Encoded is set when the text holds a run of 16+ base64-alphabet bytes
	// with upper-case letters and digits, the shape of an encoded payload.
	Encoded bool
	// Has is a set of ASCII bytes (byte c is bit c%64 of Has[c/64]) that
	// holds every ASCII byte of Text: the lower-case letters and the space
	// always, and the other bytes of the text before leetspeak was decoded
	// (so it may still hold a decoded leet character). A byte not in Has is
	// not in Text, which a caller tells with one test instead of a search.
	Has [2]uint64
}

// hasAlways are the bytes always in Result.Has: the space and 'a'..'z'.
var hasAlways = [2]uint64{1 << ' ', (1<<26 - 1) << ('a' - 64)}

// Evasion is a bit set of evasion techniques seen while folding.
type Evasion uint8

// Evasion techniques.
const (
	EvasionInvisible Evasion = 1 << iota
	EvasionHomoglyph
	EvasionLeetspeak
	EvasionSpacing
	EvasionBase64
)

// String lists the evasions by name, comma separated.
func (e Evasion) String() string {
	if e == 0 {
		return ""
	}
	var parts []string
	for _, x := range []struct {
		bit  Evasion
		name string
	}{
		{EvasionInvisible, "invisible characters"},
		{EvasionHomoglyph, "homoglyphs"},
		{EvasionLeetspeak, "leetspeak"},
		{EvasionSpacing, "letter spacing"},
		{EvasionBase64, "base64"},
	} {
		if e&x.bit != 0 {
			parts = append(parts, x.name)
		}
	}
	return strings.Join(parts, ", ")
}

// Fold returns the folded form of s. The common case, plain ASCII text with
// no leetspeak and no spaced letters, costs one pass and one allocation
// (none with FoldInto and a reused buffer). Runs of lower-case letters, and
// the single spaces between them, are taken eight bytes at a time; every
// other byte goes through the byte-at-a-time rules (fold_reference_test.go
// keeps them alone and checks that both agree).
func Fold(s string) Result {
	return FoldInto(s, &Scratch{})
}

// Scratch is storage that FoldInto reuses across texts.
type Scratch struct {
	buf    []byte
	starts []int32
	blocks []classify.Block
}

// Size is the number of bytes sc holds, for callers that bound what they
// keep.
func (sc *Scratch) Size() int {
	return cap(sc.buf) + 4*cap(sc.starts) + int(unsafe.Sizeof(classify.Block{}))*cap(sc.blocks)
}

// FoldInto is Fold writing into sc's storage, grown when it lacks room, so
// that a caller can reuse it across texts. The result's Text and Starts
// then share sc's storage: they are valid only until sc is used again, and
// must be copied to be kept.
func FoldInto(s string, sc *Scratch) Result {
	sc.blocks = classify.Blocks(s, sc.blocks[:0])
	return FoldClassified(s, sc, sc.blocks)
}

// FoldClassified is FoldInto for a caller that has classified s already:
// blocks must be classify.Blocks(s).
func FoldClassified(s string, sc *Scratch, blocks []classify.Block) Result {
	var res Result
	buf := sc.buf
	if cap(buf) >= len(s)+8 {
		buf = buf[:len(s)+8]
	} else {
		buf = make([]byte, len(s)+8)
	}
	// Every space written has a byte other than a space before it, and
	// each of the two came from at least one byte of s.
	starts := sc.starts
	if need := len(s)/2 + 2; cap(starts) >= need {
		starts = starts[:need]
	} else {
		starts = make([]int32, need)
	}
	ns := 0
	n := 0
	// fl packs the loop's flags into one register (see the f* constants);
	// fLastSpace at the start drops leading whitespace.
	fl := uint8(fLastSpace)
	// leetAt records where a leet character touches a letter; only the words
	// around those places are decoded afterwards.
	var leetBuf [8]int
	leetAt := leetBuf[:0]
	// tokLen counts letters since the last separator and singles the
	// single-letter tokens in a row: four of them is letter spacing.
	tokLen, singles := 0, 0
	// b64 tracks the current run of base64-alphabet bytes and whether it
	// holds an upper-case letter and a digit, as encoded text does.
	b64 := 0
	// has collects the bytes written other than lower-case letters and
	// spaces (see Result.Has).
	has := hasAlways
	// space writes the one space a run of whitespace folds to, and
	// records the token start after it.
	space := func() {
		if fl&fLastSpace == 0 {
			buf[n] = ' '
			n++
			starts[ns] = int32(n)
			ns++
			fl |= fLastSpace
		}
	}
	endB64 := func() {
		if b64 >= 16 && fl&fB64Upper != 0 && (fl&fB64Digit != 0 || b64 >= 24) {
			res.Encoded = true
		}
		b64 = 0
		fl &^= fB64Upper | fB64Digit
	}
	for i := 0; i < len(s); {
		c := s[i]
		if (c|0x20)-'a' < 26 && n < len(buf) {
			// The common case: a run of ASCII letters is copied in lower
			// case, eight bytes at a time. When a single space and the next
			// such run follow, letterWords takes the words from there on,
			// with only the state they can change.
			var k int
			var upper bool
			if i+8 <= len(s) && n+8 <= len(buf) {
				// Most words fit in eight bytes: the first step of
				// letterRun, inline.
				x := load64(s, i)
				letter := letterMask(x)
				binary.LittleEndian.PutUint64(buf[n:], x|letter>>2)
				stop := ^letter & high
				k = bits.TrailingZeros64(stop) / 8
				upper = letter&^(x<<2)&(stop&-stop-1) != 0
				if k == 8 {
					m, u := letterRun(s[i+8:], buf[n+8:])
					k += m
					upper = upper || u
				}
			} else {
				k, upper = letterRun(s[i:], buf[n:])
			}
			n += k
			i += k
			tokLen += k
			b64 += k
			if upper {
				fl |= fB64Upper
			}
			fl &^= fLastSpace
			if i+1 >= len(s) || s[i] != ' ' || (s[i+1]|0x20)-'a' >= 26 || n+1 >= len(buf) {
				continue
			}
			// The space, as the byte loop below would take it.
			if tokLen == 1 {
				singles++
				if singles >= 4 {
					fl |= fSpaced
				}
			} else if tokLen > 1 {
				singles = 0
			}
			endB64()
			buf[n] = ' '
			n++
			i++
			starts[ns] = int32(n)
			ns++
			// Each word after a space starts a token and a base64 run of its
			// own, with no digit in it: of the words letterWords takes, only
			// the last one's length stays in tokLen and b64 (and its case in
			// fB64Upper).
			i, n, k, ns, singles, fl, has[0] = letterWords(s, i, buf, n, blocks, starts, ns, singles, fl, has[0])
			tokLen, b64 = k, k
			fl &^= fB64Upper
			if hasUpper(s[i-k : i]) {
				fl |= fB64Upper
			}
			continue
		}
		if c < utf8.RuneSelf {
			i++
			cls := asciiClass[c]
			switch {
			case cls == clsUpper:
				tokLen++
				b64++
				fl |= fB64Upper
			case cls == clsSpace || isSpacer(c):
				if tokLen == 1 {
					singles++
					if singles >= 4 {
						fl |= fSpaced
					}
				} else if tokLen > 1 || cls != clsSpace {
					singles = 0
				}
				tokLen = 0
				if c == '+' || c == '/' || c == '-' || c == '_' {
					b64++
				} else {
					endB64()
				}
			default:
				tokLen, singles = 2, 0
				if c >= '0' && c <= '9' {
					b64++
					fl |= fB64Digit
				} else {
					endB64()
				}
			}
			switch cls {
			case clsUpper:
				c += 'a' - 'A'
			case clsSpace:
				space()
				if c == '\n' && n > 0 && (len(res.Breaks) == 0 || res.Breaks[len(res.Breaks)-1] != n-1) {
					res.Breaks = append(res.Breaks, n-1)
				}
				continue
			case clsLeet:
				// A leet character glued to a letter is the sign worth a second pass.
				if (n > 0 && isLower(buf[n-1])) || (i < len(s) && isASCIILetter(s[i])) {
					if len(leetAt) < cap(leetAt) {
						leetAt = append(leetAt, n)
					} else {
						fl |= fLeetAll
					}
				}
			}
			has[(c>>6)&1] |= 1 << (c & 63)
			buf[n] = c
			n++
			fl &^= fLastSpace
			continue
		}
		endB64()
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if isInvisible(r) {
			res.Evasions |= EvasionInvisible
			continue
		}
		if unicode.Is(unicode.Mn, r) {
			// Combining marks stacked on letters ("i̇gnore") carry no meaning here.
			continue
		}
		if unicode.IsSpace(r) {
			space()
			continue
		}
		if b, ok := foldRune(r); ok {
			if b != 0 {
				has[(b>>6)&1] |= 1 << (b & 63)
				buf[n] = b
				n++
				if !isLatinAccent(r) {
					res.Evasions |= EvasionHomoglyph
				}
				fl &^= fLastSpace
			}
			continue
		}
		// A rune with no fold keeps its lower-case UTF-8 form, which is never
		// longer than what was read for it.
		lr := unicode.ToLower(r)
		if lr < utf8.RuneSelf {
			has[(lr>>6)&1] |= 1 << (lr & 63)
		}
		buf = utf8.AppendRune(buf[:n], lr)
		n = len(buf)
		buf = buf[:cap(buf)]
		fl &^= fLastSpace
	}
	endB64()
	if fl&fEncoded != 0 {
		res.Encoded = true
	}
	buf = buf[:n]
	if n > 0 && buf[n-1] == ' ' {
		buf = buf[:n-1]
		ns--
		if k := len(res.Breaks); k > 0 && res.Breaks[k-1] >= len(buf) {
			res.Breaks = res.Breaks[:k-1]
		}
	}
	if tokLen == 1 && singles >= 3 {
		fl |= fSpaced
	}
	if fl&fLeetAll != 0 || len(leetAt) > 0 {
		if decodeLeet(buf, leetAt, fl&fLeetAll != 0) {
			res.Evasions |= EvasionLeetspeak
		}
	}
	// Texts with other scripts take the slow path, where spacing is checked
	// on the folded bytes.
	if fl&fSpaced != 0 || res.Evasions&(EvasionHomoglyph|EvasionInvisible) != 0 {
		if sq, ok := squeezeSpaced(buf); ok {
			res.Squeezed = sq
			res.Evasions |= EvasionSpacing
		}
	}
	res.Has = has
	if len(buf) > 0 {
		// Share buf's bytes instead of copying them (see FoldInto).
		res.Text = unsafe.String(&buf[0], len(buf))
	}
	if ns > 0 {
		res.Starts = starts[:ns:ns]
	}
	sc.buf, sc.starts = buf[:cap(buf)], starts[:cap(starts)]
	return res
}

// FoldInto's flags.
const (
	fLastSpace = 1 << iota // the last byte written is a space (or none was)
	fSpaced                // four single-letter tokens in a row were seen
	fLeetAll               // more leet places than leetAt holds
	fB64Upper              // the base64 run holds an upper-case letter
	fB64Digit              // the base64 run holds a digit
	fEncoded               // a base64 run had the shape of a payload (Result.Encoded)
)

// wordPunct are the bytes that letterWords takes between a word and the
// space after it: for the byte loop they end the word, end its base64 run
// and reset the count of single letters, and nothing else.
var wordPunct = [256]bool{',': true, '.': true, ':': true, ';': true, '?': true, ')': true}

// letterWords copies, from s[i] (an ASCII letter after a single space) on,
// words of ASCII letters in lower case, each followed by a single space or
// by one of wordPunct and a space, as FoldInto's byte loop would. It stops
// after the first word followed by anything else, or before a word of
// eight letters or more, or near the end of s or buf; it returns where it
// stopped in s and buf, the length of the last word (0 when it stopped
// before one), and ns (the token starts recorded in starts), singles, fl
// (fSpaced) and has0 (the punctuation written) updated.
//
// It is the hot loop of Fold: a word costs one load, a few masks and one
// store, and the space after it is read from the same load. It calls
// nothing, so that its state stays in registers.
func letterWords(s string, i int, buf []byte, n int, blocks []classify.Block, starts []int32, ns int, singles int, fl uint8, has0 uint64) (ni, nn, last, nns, nsingles int, nfl uint8, nhas0 uint64) {
	// i-n stays the same in the loop, so one bound keeps both in range:
	// sixteen bytes from i in s, and from n in buf, for the load of the
	// word, the load at its end and the stores.
	d := i - n
	lim := min(len(s), len(buf)+d) - 16
	sp := unsafe.Pointer(unsafe.StringData(s))
	bp := unsafe.Pointer(unsafe.SliceData(buf))
	for i <= lim {
		if singles == 0 && i+72 <= len(s) && i-d+72 <= len(buf) {
			// A run of plain words and numbers: the next 64 bytes as masks
			// from blocks, bit k for s[i+k].
			b, o := i/classify.BlockSize, uint(i%classify.BlockSize)
			L, D, S, P := blocks[b].Letter>>o, blocks[b].Digit>>o, blocks[b].Space>>o, blocks[b].WordPunct>>o
			if o != 0 {
				L |= blocks[b+1].Letter << (64 - o)
				D |= blocks[b+1].Digit << (64 - o)
				S |= blocks[b+1].Space << (64 - o)
				P |= blocks[b+1].WordPunct << (64 - o)
			}
			next := L >> 1 // bit k: s[i+k+1] is a letter
			single := L & (S<<1 | 1) &^ next
			w := single & (S >> 1) // one-letter words followed by a space
			long := L & next       // long: where sixteen letters in a row start
			long &= long >> 2
			long &= long >> 4
			long &= long >> 8
			// The byte loop takes what is not a letter, a digit, a space
			// before either, or punctuation before a space after a word of
			// two letters or more or a number; a digit next to a letter
			// (leetspeak, "3rd"); words of sixteen letters or more; and
			// four one-letter words in a row. A number is a token of digits
			// that counts as neither a one-letter word nor leetspeak.
			bad := ^(L | D | S | P) | S&^(next|D>>1) | P&^(S>>1) | single&(P>>1) | L&(D>>1) | D&next |
				long | w&(w>>2)&(w>>4)&(w>>6)
			// The run ends after the last space before a letter and before
			// the first bad byte that follows a word of two letters or more
			// or a number, so that the count of one-letter words is 0 again.
			if c := S &^ (w << 1) & next & (1<<uint(bits.TrailingZeros64(bad)) - 1); c != 0 {
				r := bits.Len64(c)
				for off := 0; off < r; off += 8 {
					x := load64At(sp, i+off)
					store64At(bp, i-d+off, x|letterMask(x)>>2)
				}
				for sb := S & (1<<uint(r) - 1); sb != 0; sb &= sb - 1 {
					starts[ns] = int32(i - d + bits.TrailingZeros64(sb) + 1)
					ns++
				}
				for pb := (P | D) & (1<<uint(r) - 1); pb != 0; pb &= pb - 1 {
					has0 |= 1 << (s[i+bits.TrailingZeros64(pb)] & 63)
				}
				i += r
				continue
			}
		}
		x := load64At(sp, i)
		letter := letterMask(x)
		store64At(bp, i-d, x|letter>>2)
		k := bits.TrailingZeros64(^letter&high) / 8
		if k == 8 {
			// Long words are rare: FoldInto's letter run takes them.
			break
		}
		// y holds the byte after the word and the two after it.
		y := load64At(sp, i+k)
		c := byte(y)
		if c == ' ' && (byte(y>>8)|0x20)-'a' < 26 {
			if k == 1 {
				singles++
				if singles >= 4 {
					fl |= fSpaced
				}
			} else {
				singles = 0
			}
			// The store above wrote the space already (k < 8).
			i += k + 1
		} else if wordPunct[c] && k >= 2 && byte(y>>8) == ' ' && (byte(y>>16)|0x20)-'a' < 26 {
			singles = 0
			has0 |= 1 << (c & 63)
			// The punctuation and the space, and six bytes that the
			// next word overwrites.
			store64At(bp, i+k-d, y)
			i += k + 2
		} else {
			return i + k, i + k - d, k, ns, singles, fl, has0
		}
		starts[ns] = int32(i - d)
		ns++
	}
	return i, i - d, 0, ns, singles, fl, has0
}

// load64At reads 8 bytes at p+i, little-endian; store64At writes them. The
// caller keeps p+i+8 inside the string or slice p points into.
func load64At(p unsafe.Pointer, i int) uint64 {
	return binary.LittleEndian.Uint64((*[8]byte)(unsafe.Add(p, i))[:])
}

func store64At(p unsafe.Pointer, i int, v uint64) {
	binary.LittleEndian.PutUint64((*[8]byte)(unsafe.Add(p, i))[:], v)
}

const (
	ones  = 0x0101010101010101
	high7 = 0x7f7f7f7f7f7f7f7f
	high  = 0x8080808080808080
)

// letterMask has the high bit set in the bytes of x (the first in the low
// byte) that are ASCII letters; x|letterMask(x)>>2 is x with its letters in
// lower case.
func letterMask(x uint64) uint64 {
	l7 := x&high7 | 0x20*ones
	return (l7 + (0x80-'a')*ones) &^ (l7 + (0x7f-'z')*ones) &^ x & high
}

// hasUpper reports whether t holds an ASCII upper-case letter.
func hasUpper(t string) bool {
	for i := 0; i < len(t); i++ {
		if t[i]-'A' < 26 {
			return true
		}
	}
	return false
}

// load64 reads 8 bytes of s at i, little-endian (one load on amd64/arm64).
func load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// letterRun copies the run of ASCII letters that starts t (t[0] is one) to
// d in lower case and returns its length and whether it held an upper-case
// letter.
func letterRun(t string, d []byte) (int, bool) {
	k := 0
	upper := false
	for k+8 <= len(t) && k+8 <= len(d) {
		x := load64(t, k)
		letter := letterMask(x)
		binary.LittleEndian.PutUint64(d[k:], x|letter>>2)
		stop := ^letter & high
		upper = upper || letter&^(x<<2)&(stop&-stop-1) != 0
		m := bits.TrailingZeros64(stop) / 8
		k += m
		if m < 8 {
			return k, upper
		}
	}
	for k < len(t) && k < len(d) && isASCIILetter(t[k]) {
		upper = upper || t[k] < 'a'
		d[k] = t[k] | 0x20
		k++
	}
	return k, upper
}

const (
	clsOther = iota
	clsUpper
	clsLower
	clsSpace
	clsLeet
)

var asciiClass = func() (t [128]uint8) {
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = clsUpper
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = clsLower
	}
	for _, c := range " \t\n\r\f\v" {
		t[c] = clsSpace
	}
	for _, c := range "013457$!" {
		t[c] = clsLeet
	}
	return t
}()

func isLower(c byte) bool       { return c >= 'a' && c <= 'z' }
func isASCIILetter(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }
func isDigit(c byte) bool       { return c >= '0' && c <= '9' }

func isLeetByte(c byte) bool {
	switch c {
	case '0', '1', '3', '4', '5', '7', '$', '!':
		return true
	}
	return false
}

func leetValue(c byte) byte {
	switch c {
	case '0':
		return 'o'
	case '1', '!':
		return 'i'
	case '3':
		return 'e'
	case '4':
		return 'a'
	case '5', '$':
		return 's'
	case '7':
		return 't'
	}
	return 0
}

// decodeLeet rewrites, in place, words that mix letters with leet characters
// ("1gn0r3" → "ignore"). A word that also holds other digits ("base64",
// "2021") is left alone: it is a number or a name, not leetspeak.
func decodeLeet(buf []byte, at []int, all bool) bool {
	changed := false
	done := -1
	for i := 0; i < len(buf); {
		if !all {
			if len(at) == 0 {
				break
			}
			// Jump to the start of the word holding the next recorded place.
			p := at[0]
			at = at[1:]
			if p <= done || p >= len(buf) {
				continue
			}
			i = p
			for i > 0 && !wordBreak[buf[i-1]] {
				i--
			}
		}
		if wordBreak[buf[i]] {
			i++
			continue
		}
		j := i
		letters, leets, other := 0, 0, 0
		for j < len(buf) && !wordBreak[buf[j]] {
			c := buf[j]
			switch {
			case isLower(c):
				letters++
			case isLeetByte(c):
				leets++
			case isDigit(c):
				other++
			}
			j++
		}
		// Trailing "!" or "$" on an ordinary word is punctuation, not leet.
		end := j
		for end > i && (buf[end-1] == '!' || buf[end-1] == '$') {
			end--
			leets--
		}
		if letters >= 2 && leets > 0 && other == 0 {
			for k := i; k < end; k++ {
				if v := leetValue(buf[k]); v != 0 {
					buf[k] = v
					changed = true
				}
			}
		}
		done = j
		i = j + 1
	}
	return changed
}

// squeezeSpaced detects letter-spacing evasion: a run of at least four
// single-letter tokens separated by one separator ("i g n o r e", "i-g-n-o-r-e").
// It then returns the letters of the whole text with everything else removed.
func squeezeSpaced(buf []byte) (string, bool) {
	run := 0
	found := false
	for i := 0; i < len(buf); i++ {
		if !isLower(buf[i]) {
			continue
		}
		if i+1 < len(buf) && !isSpacer(buf[i+1]) {
			run = 0
			continue
		}
		if i == 0 || isSpacer(buf[i-1]) {
			run++
			if run >= 4 {
				found = true
				break
			}
			continue
		}
		run = 0
	}
	if !found {
		return "", false
	}
	out := make([]byte, 0, len(buf))
	for _, c := range buf {
		if isLower(c) {
			out = append(out, c)
		}
	}
	return string(out), true
}

func isSpacer(c byte) bool {
	switch c {
	case ' ', '.', '-', '_', '*', '/', '|', '+', '~':
		return true
	}
	return false
}

func isInvisible(r rune) bool {
	switch {
	case r >= 0x200B && r <= 0x200F, // zero-width space/joiners, LRM/RLM
		r >= 0x202A && r <= 0x202E, // bidi embeddings and overrides
		r >= 0x2060 && r <= 0x2064, // word joiner, invisible operators
		r >= 0x2066 && r <= 0x2069, // bidi isolates
		r == 0xFEFF, r == 0x00AD, r == 0x180E, r == 0x034F,
		r >= 0xE0000 && r <= 0xE007F, // tag characters ("ASCII smuggling")
		r >= 0xFE00 && r <= 0xFE0F:   // variation selectors
		return true
	}
	return false
}

// foldRune maps a non-ASCII rune to an ASCII letter or digit. ok is false for
// runes that have no fold; b is 0 for runes that fold to nothing.
func foldRune(r rune) (b byte, ok bool) {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII
		c := byte(r - 0xFEE0)
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		return c, true
	case r >= 0x1D400 && r <= 0x1D6A3: // mathematical alphanumeric letters
		off := (r - 0x1D400) % 52
		if off < 26 {
			return byte('a' + off), true
		}
		return byte('a' + off - 26), true
	case r >= 0x1D7CE && r <= 0x1D7FF: // mathematical digits
		return byte('0' + (r-0x1D7CE)%10), true
	case r >= 0x24B6 && r <= 0x24CF: // circled capitals
		return byte('a' + r - 0x24B6), true
	case r >= 0x24D0 && r <= 0x24E9: // circled small letters
		return byte('a' + r - 0x24D0), true
	}
	if c, found := homoglyphs[r]; found {
		return c, true
	}
	return 0, false
}

func isLatinAccent(r rune) bool { return r >= 0x00C0 && r <= 0x024F }

// homoglyphs maps letters of other scripts that render like Latin letters,
// and accented Latin letters, to the plain Latin letter.
var homoglyphs = map[rune]byte{
	// Cyrillic
	'а': 'a', 'А': 'a', 'в': 'b', 'В': 'b', 'е': 'e', 'Е': 'e', 'ё': 'e', 'Ё': 'e',
	'к': 'k', 'К': 'k', 'м': 'm', 'М': 'm', 'н': 'h', 'Н': 'h', 'о': 'o', 'О': 'o',
	'р': 'p', 'Р': 'p', 'с': 'c', 'С': 'c', 'т': 't', 'Т': 't', 'у': 'y', 'У': 'y',
	'х': 'x', 'Х': 'x', 'і': 'i', 'І': 'i', 'ї': 'i', 'Ї': 'i', 'ј': 'j', 'Ј': 'j',
	'ѕ': 's', 'Ѕ': 's', 'ԁ': 'd', 'ԛ': 'q', 'ԝ': 'w', 'Ԝ': 'w', 'һ': 'h', 'Һ': 'h',
	'ո': 'n', 'ս': 'u', 'ɡ': 'g', 'ӏ': 'l', 'Ӏ': 'l', 'ԍ': 'g', 'ү': 'y',
	// Greek
	'α': 'a', 'Α': 'a', 'β': 'b', 'Β': 'b', 'ε': 'e', 'Ε': 'e', 'η': 'n', 'Η': 'h',
	'ι': 'i', 'Ι': 'i', 'κ': 'k', 'Κ': 'k', 'μ': 'u', 'Μ': 'm', 'ν': 'v', 'Ν': 'n',
	'ο': 'o', 'Ο': 'o', 'ρ': 'p', 'Ρ': 'p', 'τ': 't', 'Τ': 't', 'υ': 'u', 'Υ': 'y',
	'χ': 'x', 'Χ': 'x', 'Ζ': 'z', 'ζ': 'z', 'ω': 'w',
	// Latin look-alikes and letter-like symbols
	'ı': 'i', 'ℓ': 'l', 'ſ': 's', 'ꞵ': 'b', 'ɑ': 'a', 'ɩ': 'i', 'ʀ': 'r',
	'ᴀ': 'a', 'ʙ': 'b', 'ᴄ': 'c', 'ᴅ': 'd', 'ᴇ': 'e', 'ɢ': 'g', 'ʜ': 'h', 'ɪ': 'i',
	'ᴊ': 'j', 'ᴋ': 'k', 'ʟ': 'l', 'ᴍ': 'm', 'ɴ': 'n', 'ᴏ': 'o', 'ᴘ': 'p', 'ꜱ': 's',
	'ᴛ': 't', 'ᴜ': 'u', 'ᴠ': 'v', 'ᴡ': 'w', 'ʏ': 'y', 'ᴢ': 'z',
	// Accented Latin (a decomposition table would pull in x/text for this alone)
	'à': 'a', 'á': 'a', 'â': 'a', 'ã': 'a', 'ä': 'a', 'å': 'a', 'À': 'a', 'Á': 'a', 'Â': 'a', 'Ã': 'a', 'Ä': 'a', 'Å': 'a', 'ā': 'a', 'ă': 'a', 'ą': 'a',
	'ç': 'c', 'Ç': 'c', 'ć': 'c', 'č': 'c',
	'è': 'e', 'é': 'e', 'ê': 'e', 'ë': 'e', 'È': 'e', 'É': 'e', 'Ê': 'e', 'Ë': 'e', 'ē': 'e', 'ė': 'e', 'ę': 'e', 'ě': 'e',
	'ì': 'i', 'í': 'i', 'î': 'i', 'ï': 'i', 'Ì': 'i', 'Í': 'i', 'Î': 'i', 'Ï': 'i', 'ī': 'i', 'į': 'i', 'İ': 'i',
	'ñ': 'n', 'Ñ': 'n', 'ń': 'n', 'ň': 'n',
	'ò': 'o', 'ó': 'o', 'ô': 'o', 'õ': 'o', 'ö': 'o', 'ø': 'o', 'Ò': 'o', 'Ó': 'o', 'Ô': 'o', 'Õ': 'o', 'Ö': 'o', 'Ø': 'o', 'ō': 'o', 'ő': 'o',
	'ù': 'u', 'ú': 'u', 'û': 'u', 'ü': 'u', 'Ù': 'u', 'Ú': 'u', 'Û': 'u', 'Ü': 'u', 'ū': 'u', 'ů': 'u', 'ű': 'u',
	'ý': 'y', 'ÿ': 'y', 'Ý': 'y', 'ś': 's', 'š': 's', 'ş': 's', 'ź': 'z', 'ż': 'z', 'ž': 'z', 'ł': 'l', 'ř': 'r', 'ď': 'd', 'ť': 't',
	// Typographic quotes and dashes fold to their ASCII forms so that rules see them.
	'‘': '\'', '’': '\'', '‚': '\'', '‛': '\'', '“': '"', '”': '"', '„': '"', '‟': '"',
	'‐': '-', '‑': '-', '‒': '-', '–': '-', '—': '-', '―': '-', '…': '.',
}

// Base64Payloads finds runs of base64 (standard or URL alphabet) of at least
// minLen characters in s, decodes them, and returns the decoded texts that
// read as text. At most max payloads are returned.
func Base64Payloads(s string, minLen, max int) []string {
	var out []string
	for i := 0; i < len(s) && len(out) < max; {
		if !isB64(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isB64(s[j]) {
			j++
		}
		end := j
		for j < len(s) && s[j] == '=' && j-end < 2 {
			j++
		}
		if end-i >= minLen {
			if txt, ok := decodeB64(s[i:j]); ok {
				out = append(out, txt)
			}
		}
		i = j + 1
	}
	return out
}

func isB64(c byte) bool {
	return isASCIILetter(c) || isDigit(c) || c == '+' || c == '/' || c == '-' || c == '_'
}

func decodeB64(tok string) (string, bool) {
	// A run of letters only is a word, not a payload; base64 of English text
	// almost always has mixed case and digits.
	hasDigit, hasUpper, hasLower := false, false, false
	for i := 0; i < len(tok); i++ {
		c := tok[i]
		switch {
		case isDigit(c):
			hasDigit = true
		case c >= 'A' && c <= 'Z':
			hasUpper = true
		case c >= 'a' && c <= 'z':
			hasLower = true
		}
	}
	if !(hasUpper && hasLower) || (!hasDigit && len(tok) < 24) {
		return "", false
	}
	trimmed := strings.TrimRight(tok, "=")
	var dec []byte
	var err error
	if strings.ContainsAny(trimmed, "-_") {
		dec, err = base64.RawURLEncoding.DecodeString(trimmed)
	} else {
		dec, err = base64.RawStdEncoding.DecodeString(trimmed)
	}
	if err != nil || len(dec) == 0 || !utf8.Valid(dec) {
		return "", false
	}
	printable, letters, spaces := 0, 0, 0
	for _, r := range string(dec) {
		switch {
		case r == ' ':
			spaces++
			printable++
		case unicode.IsLetter(r):
			letters++
			printable++
		case unicode.IsPrint(r) || r == '\n' || r == '\t':
			printable++
		}
	}
	n := utf8.RuneCount(dec)
	if printable*10 < n*9 || letters*2 < n || spaces == 0 {
		return "", false
	}
	return string(dec), true
}

var wordBreak = func() (t [256]bool) {
	for _, c := range " .,\"':;-/()[]" {
		t[c] = true
	}
	return t
}()
