//go:build !amd64

package classify

// fullBlocks fills out with the blocks of text, whose length is a multiple
// of BlockSize.
func fullBlocks(text string, out []Block) { genericBlocks(text, out) }

// hasAVX2 reports whether fullBlocks uses the AVX2 code.
func hasAVX2() bool { return false }
