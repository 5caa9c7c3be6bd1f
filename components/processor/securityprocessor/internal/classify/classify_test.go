package classify

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// naive is the definition Blocks is held to, a byte at a time.
func naive(text string) []Block {
	out := make([]Block, (len(text)+BlockSize-1)/BlockSize)
	for i := 0; i < len(text); i++ {
		c, bit := text[i], uint64(1)<<(i%BlockSize)
		b := &out[i/BlockSize]
		if c >= '0' && c <= '9' {
			b.Digit |= bit
			b.Alnum |= bit
		}
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			b.Alnum |= bit
			b.Letter |= bit
		}
		if c == ' ' {
			b.Space |= bit
		}
		if strings.IndexByte(",.:;?)", c) >= 0 {
			b.WordPunct |= bit
		}
		if c == '(' || c == ')' || c == '*' || c == '+' {
			b.NumPunct |= bit
		}
	}
	return out
}

func inputs() []string {
	in := []string{"", "a", "0", "(", "Z9+)*", strings.Repeat("x", 63), strings.Repeat("x", 64), strings.Repeat("7", 65),
		"@[`{/:\x00\x7f\x80\xff", "card 4111 1111 1111 1111, call +1 (555) 010-9999 * 2", "é ß ﬁ 漢字 AKIA0123456789ABCDEF"}
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	in = append(in, string(all), string(all[128:])+string(all[:128]))
	r := rand.New(rand.NewPCG(3, 5))
	for i := 0; i < 5000; i++ {
		b := make([]byte, r.IntN(300))
		for k := range b {
			if r.IntN(4) == 0 {
				b[k] = byte(r.IntN(256))
			} else {
				b[k] = " aZ09()*+-./:@[`{~,;?"[r.IntN(21)]
			}
		}
		in = append(in, string(b))
	}
	return in
}

func TestBlocksMatchNaive(t *testing.T) {
	for _, s := range inputs() {
		got := Blocks(s, nil)
		require.Len(t, got, len(naive(s)), "%q", s)
		for i, b := range naive(s) {
			require.Equal(t, b, got[i], "%q block %d", s, i)
		}
		// Appended after what dst holds.
		pre := []Block{{Alnum: 1}}
		require.Equal(t, append(pre, naive(s)...), Blocks(s, pre), "%q", s)
	}
}

// TestGenericMatchesNaive holds the eight-byte code to the definition on
// every machine, whichever code Blocks runs here.
func TestGenericMatchesNaive(t *testing.T) {
	for _, s := range inputs() {
		n := len(s) / BlockSize * BlockSize
		got := make([]Block, n/BlockSize)
		genericBlocks(s[:n], got)
		want := naive(s[:n])
		require.Equal(t, len(want), len(got))
		for i := range want {
			require.Equal(t, want[i], got[i], "%q block %d", s, i)
		}
	}
}

func BenchmarkBlocks1KB(b *testing.B) {
	text := strings.Repeat("Order 55123 (2 items) for 84.50 EUR; see KB-1042. ", 21)[:1024]
	buf := make([]Block, 0, 16)
	b.SetBytes(int64(len(text)))
	b.Logf("avx2: %v", hasAVX2())
	for b.Loop() {
		buf = Blocks(text, buf[:0])
	}
}
