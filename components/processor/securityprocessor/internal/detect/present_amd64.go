package detect

import (
	"slices"
	"unsafe"
)

// tokenScan is what presentTokensAsm works on. present_amd64.s reads its
// fields at fixed offsets (TestTokenScanLayout checks them).
type tokenScan struct {
	t       *byte
	tlen    int
	starts  *int32
	nstarts int
	next    int // the next token start, in and out
	hits    *anchorHit
	nhits   int // in and out
	caphits int
	set     *anchorSet
	slot    *uint16
	third   *uint8
	slow    *bool
	cands   *[]anchorCand
	hasLong *bool
	short   *int
}

// presentTokensAsm records the anchors of the token starts from st.next
// on, as presentToken would, while they start with two lower-case letters
// (after a one-byte anchor or not), are eight bytes or more from the end
// and have no anchor longer than eight bytes whose first eight bytes
// match, and while hits has room for 1+maxListLen more; it leaves st.next at
// the first token it did not take.
//
//go:noescape
func presentTokensAsm(st *tokenScan)

// presentTokens records the anchors of the tokens at starts, as
// presentToken does one by one: the assembly takes the plain ones, and
// stops at the others for presentToken.
func (ix *injectionIndex) presentTokens(t string, starts []int32, set *anchorSet, hits []anchorHit) []anchorHit {
	if len(starts) == 0 || len(t) < 8 {
		for _, p := range starts {
			hits = ix.presentToken(t, int(p), set, hits)
		}
		return hits
	}
	hits = slices.Grow(hits, 4*maxListLen)
	st := tokenScan{
		t: unsafe.StringData(t), tlen: len(t), starts: unsafe.SliceData(starts), nstarts: len(starts),
		set: set, slot: &ix.letterSlot[0], third: &thirdClass[0], slow: &ix.slowStart[0],
		cands: &ix.cands[0], hasLong: &ix.hasLong[0], short: &ix.shortLetter[0],
	}
	for {
		st.hits, st.nhits, st.caphits = unsafe.SliceData(hits[:cap(hits)]), len(hits), cap(hits)
		presentTokensAsm(&st)
		hits = hits[:st.nhits]
		if st.next == len(starts) {
			return hits
		}
		if cap(hits)-len(hits) < 1+maxListLen {
			hits = slices.Grow(hits, cap(hits)+1+maxListLen)
			continue
		}
		hits = ix.presentToken(t, int(starts[st.next]), set, hits)
		st.next++
	}
}
