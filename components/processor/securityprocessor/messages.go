package securityprocessor // import "github.com/agentstack/agentstack/components/processor/securityprocessor"

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/agentstack/agentstack/components/processor/securityprocessor/internal/detect"
)

// structuralKeys hold identifiers and enums of a message, not its text.
var structuralKeys = map[string]bool{"role": true, "type": true, "id": true, "finish_reason": true, "mime_type": true, "modality": true, "tool_call_id": true}

// scanMessages walks the JSON of gen_ai.input.messages / output.messages,
// scanning every text leaf with the source its message role implies. visit
// returns the replacement for a leaf (or the leaf unchanged). The rewritten
// JSON is returned with changed=true only when a leaf changed.
func scanMessages(raw string, def detect.Source, visit func(text string, src detect.Source) string) (out string, changed, ok bool) {
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return raw, false, false
	}
	var walk func(v any, src detect.Source) any
	walk = func(v any, src detect.Source) any {
		switch x := v.(type) {
		case map[string]any:
			if r, isStr := x["role"].(string); isStr {
				src = roleSource(r, src)
			}
			// A tool result part inside any message is tool output.
			if t, isStr := x["type"].(string); isStr && (t == "tool_call_response" || t == "tool_result") {
				src = detect.SourceToolOutput
			}
			for k, val := range x {
				if structuralKeys[k] {
					continue
				}
				x[k] = walk(val, src)
			}
			return x
		case []any:
			for i := range x {
				x[i] = walk(x[i], src)
			}
			return x
		case string:
			nv := visit(x, src)
			if nv != x {
				changed = true
			}
			return nv
		}
		return v
	}
	doc = walk(doc, def)
	if !changed {
		return raw, false, true
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return raw, false, true
	}
	return strings.TrimSuffix(buf.String(), "\n"), true, true
}
