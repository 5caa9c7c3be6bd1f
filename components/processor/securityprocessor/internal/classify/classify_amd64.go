package classify

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// blocksAVX2 classifies n blocks of 64 bytes from p into out.
//
//go:noescape
func blocksAVX2(p *byte, n int, out *Block)

// fullBlocks fills out with the blocks of text, whose length is a multiple
// of BlockSize.
func fullBlocks(text string, out []Block) {
	if cpu.X86.HasAVX2 {
		blocksAVX2(unsafe.StringData(text), len(out), &out[0])
		return
	}
	genericBlocks(text, out)
}

// hasAVX2 reports whether fullBlocks uses the AVX2 code.
func hasAVX2() bool { return cpu.X86.HasAVX2 }
