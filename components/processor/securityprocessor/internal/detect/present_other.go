//go:build !amd64

package detect

// presentTokens records the anchors of the tokens at starts.
func (ix *injectionIndex) presentTokens(t string, starts []int32, set *anchorSet, hits []anchorHit) []anchorHit {
	for _, p := range starts {
		hits = ix.presentToken(t, int(p), set, hits)
	}
	return hits
}
