package detect

import (
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
)

// TestTokenScanLayout holds the structs to the offsets present_amd64.s
// reads them at.
func TestTokenScanLayout(t *testing.T) {
	var st tokenScan
	require.Equal(t, []uintptr{0, 8, 16, 24, 32, 40, 48, 56, 64, 72, 80, 88, 96, 104, 112}, []uintptr{
		unsafe.Offsetof(st.t), unsafe.Offsetof(st.tlen), unsafe.Offsetof(st.starts), unsafe.Offsetof(st.nstarts),
		unsafe.Offsetof(st.next), unsafe.Offsetof(st.hits), unsafe.Offsetof(st.nhits), unsafe.Offsetof(st.caphits),
		unsafe.Offsetof(st.set), unsafe.Offsetof(st.slot), unsafe.Offsetof(st.third), unsafe.Offsetof(st.slow),
		unsafe.Offsetof(st.cands), unsafe.Offsetof(st.hasLong), unsafe.Offsetof(st.short),
	})
	var c anchorCand
	require.Equal(t, []uintptr{8, 16, 24, 32, 40, 41, 48}, []uintptr{
		unsafe.Offsetof(c.a) + 8, unsafe.Offsetof(c.head), unsafe.Offsetof(c.mask), unsafe.Offsetof(c.id),
		unsafe.Offsetof(c.exact), unsafe.Offsetof(c.start), unsafe.Sizeof(c),
	})
	var h anchorHit
	require.Equal(t, []uintptr{0, 8, 16}, []uintptr{unsafe.Offsetof(h.id), unsafe.Offsetof(h.pos), unsafe.Sizeof(h)})
	require.Equal(t, uintptr(24), unsafe.Sizeof([]anchorCand{}))
	require.Equal(t, uintptr(2), unsafe.Sizeof(uint16(0)))
}
