package normalize

import (
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// foldReference is Fold as it was before FoldInto and the lower-case run
// loop: the byte-at-a-time definition Fold is tested against.
func foldReference(s string) Result {
	var res Result
	buf := make([]byte, len(s)+8)
	n := 0
	lastSpace := true // drop leading whitespace
	// leetAt records where a leet character touches a letter; only the words
	// around those places are decoded afterwards.
	var leetBuf [8]int
	leetAt := leetBuf[:0]
	leetAll := false
	// tokLen counts letters since the last separator and singles the
	// single-letter tokens in a row: four of them is letter spacing.
	tokLen, singles, spaced := 0, 0, false
	// b64 tracks the current run of base64-alphabet bytes and whether it
	// holds an upper-case letter and a digit, as encoded text does.
	b64, b64Upper, b64Digit := 0, false, false
	endB64 := func() {
		if b64 >= 16 && b64Upper && (b64Digit || b64 >= 24) {
			res.Encoded = true
		}
		b64, b64Upper, b64Digit = 0, false, false
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 'a' && c <= 'z' {
			// The common case: a lower-case letter is copied as it is.
			buf[n] = c
			n++
			i++
			tokLen++
			b64++
			lastSpace = false
			continue
		}
		if c < utf8.RuneSelf {
			i++
			cls := asciiClass[c]
			switch {
			case cls == clsUpper:
				tokLen++
				b64++
				b64Upper = true
			case cls == clsSpace || isSpacer(c):
				if tokLen == 1 {
					singles++
					spaced = spaced || singles >= 4
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
					b64Digit = true
				} else {
					endB64()
				}
			}
			switch cls {
			case clsUpper:
				c += 'a' - 'A'
			case clsSpace:
				if !lastSpace {
					buf[n] = ' '
					n++
					lastSpace = true
				}
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
						leetAll = true
					}
				}
			}
			buf[n] = c
			n++
			lastSpace = false
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
			if !lastSpace {
				buf[n] = ' '
				n++
				lastSpace = true
			}
			continue
		}
		if b, ok := foldRune(r); ok {
			if b != 0 {
				buf[n] = b
				n++
				if !isLatinAccent(r) {
					res.Evasions |= EvasionHomoglyph
				}
				lastSpace = false
			}
			continue
		}
		// A rune with no fold keeps its lower-case UTF-8 form, which is never
		// longer than what was read for it.
		buf = utf8.AppendRune(buf[:n], unicode.ToLower(r))
		n = len(buf)
		buf = buf[:cap(buf)]
		lastSpace = false
	}
	endB64()
	buf = buf[:n]
	if n > 0 && buf[n-1] == ' ' {
		buf = buf[:n-1]
		if k := len(res.Breaks); k > 0 && res.Breaks[k-1] >= len(buf) {
			res.Breaks = res.Breaks[:k-1]
		}
	}
	if tokLen == 1 && singles >= 3 {
		spaced = true
	}
	// Has: the space and the lower-case letters, and every ASCII byte of
	// the text before leetspeak is decoded.
	res.Has = hasOf(buf)
	if leetAll || len(leetAt) > 0 {
		if decodeLeet(buf, leetAt, leetAll) {
			res.Evasions |= EvasionLeetspeak
		}
	}
	// Texts with other scripts take the slow path, where spacing is checked
	// on the folded bytes.
	if spaced || res.Evasions&(EvasionHomoglyph|EvasionInvisible) != 0 {
		if sq, ok := squeezeSpaced(buf); ok {
			res.Squeezed = sq
			res.Evasions |= EvasionSpacing
		}
	}
	if len(buf) > 0 {
		// buf is not used again: share its bytes instead of copying them.
		res.Text = unsafe.String(&buf[0], len(buf))
	}
	for p := 1; p < len(buf); p++ {
		if buf[p-1] == ' ' {
			res.Starts = append(res.Starts, int32(p))
		}
	}
	return res
}

// hasOf is the Result.Has of a text, byte by byte: the space, the lower-case
// letters and every ASCII byte of t.
func hasOf(t []byte) [2]uint64 {
	var has [2]uint64
	has[0] |= 1 << ' '
	for c := 'a'; c <= 'z'; c++ {
		has[1] |= 1 << (c - 64)
	}
	for _, c := range t {
		if c < 64 {
			has[0] |= 1 << c
		} else if c < 128 {
			has[1] |= 1 << (c - 64)
		}
	}
	return has
}
