package securityprocessor // import "github.com/agentstack/agentstack/components/processor/securityprocessor"

import (
	"strings"
	"sync/atomic"

	"github.com/agentstack/agentstack/components/processor/securityprocessor/internal/detect"
)

// cleanCache remembers short values (model names, span names, tool names,
// roles …) that the engine found nothing in, so that a value repeated span
// after span is scanned once. The engine's result depends on nothing but the
// text and its source, so a value found here would scan to no findings again:
// skipping it changes no result. Each slot holds one immutable entry, read
// and replaced atomically (safe for concurrent ConsumeTraces, no lock); a
// value whose slot another value took is scanned again, so the cache is
// bounded at cleanSlots entries of at most cleanMaxLen bytes.
type cleanCache struct {
	slots [cleanSlots]atomic.Pointer[cleanEntry]
}

type cleanEntry struct {
	text string
	src  detect.Source
}

const (
	cleanSlots  = 256
	cleanMaxLen = 64
)

// slot returns the slot of text from src: FNV-1a over the text, started
// from the source's length and first byte (which tell the sources apart).
func (c *cleanCache) slot(text string, src detect.Source) *atomic.Pointer[cleanEntry] {
	h := uint32(2166136261) ^ uint32(len(src))
	if len(src) > 0 {
		h = (h ^ uint32(src[0])<<8) * 16777619
	}
	for i := 0; i < len(text); i++ {
		h = (h ^ uint32(text[i])) * 16777619
	}
	return &c.slots[(h^h>>16)%cleanSlots]
}

// clean reports whether text from src is known to hold no findings.
func (c *cleanCache) clean(p *atomic.Pointer[cleanEntry], text string, src detect.Source) bool {
	e := p.Load()
	return e != nil && e.src == src && e.text == text
}

// remember records that text from src holds no findings.
func (c *cleanCache) remember(p *atomic.Pointer[cleanEntry], text string, src detect.Source) {
	p.Store(&cleanEntry{text: strings.Clone(text), src: src})
}
