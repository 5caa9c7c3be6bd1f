// Package classify marks, one bit per byte, the bytes of a text that the
// scans look for: ASCII letters and digits, digits and the signs a number
// may start with (for the secret and number scans), and letters, spaces and
// the punctuation that ends a word (for the fold). On amd64 with AVX2 it
// takes 64 bytes per step; elsewhere eight.
package classify

import (
	"encoding/binary"
	"math/bits"
)

// Block describes 64 bytes of a text: bit k of each mask is byte k.
type Block struct {
	// Alnum marks ASCII letters and digits.
	Alnum uint64
	// Digit marks ASCII digits.
	Digit uint64
	// NumPunct marks '(', ')', '*' and '+'.
	NumPunct uint64
	// Letter marks ASCII letters.
	Letter uint64
	// Space marks ' '.
	Space uint64
	// WordPunct marks ',', '.', ':', ';', '?' and ')'.
	WordPunct uint64
}

// BlockSize is the number of bytes a Block describes.
const BlockSize = 64

// Blocks appends to dst the blocks of text, the last one padded with zero
// bytes (which are in no mask), and returns it.
func Blocks(text string, dst []Block) []Block {
	full := len(text) / BlockSize
	dst = growBlocks(dst, (len(text)+BlockSize-1)/BlockSize)
	out := dst[len(dst)-(len(text)+BlockSize-1)/BlockSize:]
	if full > 0 {
		fullBlocks(text[:full*BlockSize], out[:full])
	}
	if rest := text[full*BlockSize:]; rest != "" {
		var pad [BlockSize]byte
		copy(pad[:], rest)
		out[full] = genericBlock(pad[:])
	}
	return dst
}

func growBlocks(dst []Block, n int) []Block {
	if cap(dst)-len(dst) >= n {
		return dst[:len(dst)+n]
	}
	grown := make([]Block, len(dst)+n, 2*cap(dst)+n)
	copy(grown, dst)
	return grown
}

// genericBlocks is fullBlocks eight bytes at a time, for any machine.
func genericBlocks(text string, out []Block) {
	for i := range out {
		out[i] = genericBlock([]byte(text[i*BlockSize : (i+1)*BlockSize]))
	}
}

// genericBlock classifies 64 bytes with the same tests as the AVX2 code,
// eight bytes at a time.
func genericBlock(b []byte) Block {
	const ones, high7, high = 0x0101010101010101, 0x7f7f7f7f7f7f7f7f, 0x8080808080808080
	var blk Block
	for w := 0; w < BlockSize/8; w++ {
		x := binary.LittleEndian.Uint64(b[w*8:])
		x7 := x & high7
		l7 := x7 | 0x20*ones // ASCII letters in lower case
		digit := (x7 + (0x80-'0')*ones) &^ (x7 + (0x7f-'9')*ones) &^ x & high
		alnum := digit | (l7+(0x80-'a')*ones)&^(l7+(0x7f-'z')*ones)&^x&high
		letter := (l7 + (0x80-'a')*ones) &^ (l7 + (0x7f-'z')*ones) &^ x & high
		p := x&^(3*ones) ^ ('(' * ones)
		punct := ^((p&high7 + high7) | p | high7)
		var wordPunct uint64
		for _, c := range [...]byte{',', '.', ':', ';', '?', ')'} {
			wordPunct |= eq(x, c)
		}
		blk.Alnum |= gather(alnum) << (8 * w)
		blk.Digit |= gather(digit) << (8 * w)
		blk.NumPunct |= gather(punct) << (8 * w)
		blk.Letter |= gather(letter) << (8 * w)
		blk.Space |= gather(eq(x, ' ')) << (8 * w)
		blk.WordPunct |= gather(wordPunct) << (8 * w)
	}
	return blk
}

// eq has the high bit set in the bytes of x equal to c.
func eq(x uint64, c byte) uint64 {
	const ones, high7 = 0x0101010101010101, 0x7f7f7f7f7f7f7f7f
	y := x ^ (uint64(c) * ones)
	return ^((y&high7 + high7) | y | high7)
}

// gather packs the high bits of the eight bytes of m into the low eight
// bits, byte k's to bit k.
func gather(m uint64) uint64 {
	var g uint64
	for m != 0 {
		g |= 1 << (bits.TrailingZeros64(m) / 8)
		m &= m - 1
	}
	return g
}
