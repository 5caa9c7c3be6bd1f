// Command securityreport measures the security processor's detection
// engine on the labelled corpora: prompt-injection recall and false-positive
// rate, and PII precision, recall and F1 per entity. It is a report, not a
// test: it prints figures and exits 0 unless the corpora cannot be read.
//
//	go run ./components/processor/securityprocessor/cmd/securityreport -testdata ../shared/testdata
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/agentstack/agentstack/components/processor/securityprocessor/internal/detect"
)

func main() {
	dir := flag.String("testdata", "../shared/testdata", "folder holding injection/cases.jsonl and pii/synth_dataset_v2.json")
	threshold := flag.Int("threshold", 50, "injection score threshold")
	verbose := flag.Bool("v", false, "list misses and false positives")
	flag.Parse()
	eng, err := detect.New(detect.Config{Injection: true, PII: true, Secrets: true, InjectionThreshold: *threshold})
	if err != nil {
		fail(err)
	}
	if err := injectionReport(os.Stdout, eng, filepath.Join(*dir, "injection", "cases.jsonl"), *threshold, *verbose); err != nil {
		fail(err)
	}
	fmt.Println()
	if err := piiReport(os.Stdout, eng, filepath.Join(*dir, "pii", "synth_dataset_v2.json"), *verbose); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "securityreport:", err)
	os.Exit(1)
}

type injectionCase struct {
	ID       string `json:"id"`
	Text     string `json:"text"`
	Label    string `json:"label"`
	Source   string `json:"source"`
	Category string `json:"category"`
}

type tally struct{ n, flagged int }

func (t tally) rate() float64 {
	if t.n == 0 {
		return 0
	}
	return float64(t.flagged) / float64(t.n)
}

func injectionReport(w io.Writer, eng *detect.Engine, path string, threshold int, verbose bool) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("reading injection corpus: %w", err)
	}
	groups := map[string]*tally{}
	order := []string{}
	add := func(group string, flagged bool) {
		t, ok := groups[group]
		if !ok {
			t = &tally{}
			groups[group] = t
			order = append(order, group)
		}
		t.n++
		if flagged {
			t.flagged++
		}
	}
	var misses, fps []string
	for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var c injectionCase
		if err := json.Unmarshal([]byte(line), &c); err != nil {
			return fmt.Errorf("injection corpus line %d: %w", i+1, err)
		}
		// An indirect attack, and the clean e-mails it is measured against,
		// are scanned where an agent meets them: as tool output.
		src := detect.SourceUserInput
		if c.Source == "bipia-indirect" || c.Source == "bipia-email" {
			src = detect.SourceToolOutput
		}
		hit := eng.InjectionScore(c.Text, src)
		flagged := hit.Score() >= threshold
		switch {
		case c.Label == "injection" && c.Source == "bipia-indirect":
			add("injection recall, indirect (bipia-indirect, scanned as tool_output)", flagged)
			add("injection recall, all direct+indirect (giskard + bipia-indirect)", flagged)
		case c.Label == "injection" && c.Source == "giskard":
			add("injection recall, direct (giskard)", flagged)
			add("injection recall, all direct+indirect (giskard + bipia-indirect)", flagged)
		case c.Label == "injection" && c.Source == "bipia-attack":
			add("bipia-attack strings alone, as user_input (context-free; informational)", flagged)
		case c.Label == "benign" && c.Source == "xstest":
			add("false-positive rate, benign xstest (user_input)", flagged)
			add("false-positive rate, all benign rows", flagged)
		case c.Label == "benign" && c.Source == "bipia-email":
			add("false-positive rate, benign bipia-email (tool_output)", flagged)
			add("false-positive rate, all benign rows", flagged)
		case c.Label == "unsafe_request":
			add("flag rate, xstest unsafe_request (not injections; informational)", flagged)
		}
		if verbose {
			short := c.Text
			if len(short) > 140 {
				short = short[:140]
			}
			if c.Label == "injection" && c.Source != "bipia-attack" && !flagged {
				misses = append(misses, fmt.Sprintf("  miss %s score=%d %q", c.ID, hit.Score(), short))
			}
			if c.Label == "benign" && flagged {
				fps = append(fps, fmt.Sprintf("  fp   %s score=%d rule=%s %q", c.ID, hit.Score(), hit.Rule(), short))
			}
		}
	}
	fmt.Fprintf(w, "Prompt injection (threshold %d)\n", threshold)
	sort.SliceStable(order, func(a, b int) bool { return order[a] < order[b] })
	for _, g := range order {
		t := groups[g]
		fmt.Fprintf(w, "  %-80s %4d/%-4d = %.3f\n", g, t.flagged, t.n, t.rate())
	}
	for _, m := range misses {
		fmt.Fprintln(w, m)
	}
	for _, f := range fps {
		fmt.Fprintln(w, f)
	}
	return nil
}

type piiRecord struct {
	FullText string `json:"full_text"`
	Spans    []struct {
		Type  string `json:"entity_type"`
		Value string `json:"entity_value"`
		Start int    `json:"start_position"`
		End   int    `json:"end_position"`
	} `json:"spans"`
}

// entityRules maps the corpus's entity labels to the rules that report them.
var entityRules = map[string][]string{
	"EMAIL_ADDRESS": {detect.RuleEmail},
	"PHONE_NUMBER":  {detect.RulePhone},
	"CREDIT_CARD":   {detect.RuleCreditCard},
	"US_SSN":        {detect.RuleSSN},
	"IBAN_CODE":     {detect.RuleIBAN},
	"IP_ADDRESS":    {detect.RuleIPv4, detect.RuleIPv6},
}

var unsupported = []string{"PERSON", "STREET_ADDRESS", "GPE", "ORGANIZATION", "DATE_TIME", "TITLE", "AGE", "NRP", "DOMAIN_NAME", "ZIP_CODE", "US_DRIVER_LICENSE"}

func piiReport(w io.Writer, eng *detect.Engine, path string, verbose bool) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("reading PII corpus: %w", err)
	}
	var recs []piiRecord
	if err := json.Unmarshal(data, &recs); err != nil {
		return fmt.Errorf("parsing PII corpus: %w", err)
	}
	ruleEntity := map[string]string{}
	for ent, rules := range entityRules {
		for _, r := range rules {
			ruleEntity[r] = ent
		}
	}
	type prf struct{ tp, fp, fn int }
	stats := map[string]*prf{}
	for ent := range entityRules {
		stats[ent] = &prf{}
	}
	var notes []string
	for _, rec := range recs {
		// Corpus positions count code points; findings are byte offsets.
		byteAt := make([]int, 0, len(rec.FullText)+1)
		for i := range rec.FullText {
			byteAt = append(byteAt, i)
		}
		byteAt = append(byteAt, len(rec.FullText))
		type gold struct {
			ent        string
			start, end int
			matched    bool
		}
		var golds []gold
		for _, s := range rec.Spans {
			golds = append(golds, gold{ent: s.Type, start: byteAt[s.Start], end: byteAt[s.End]})
		}
		var fs []detect.Finding
		fs = eng.Scan(rec.FullText, detect.SourceUserInput, fs)
		for _, f := range fs {
			ent, ok := ruleEntity[f.Rule]
			if !ok {
				continue
			}
			hit := false
			for gi := range golds {
				g := &golds[gi]
				if g.ent == ent && f.Start < g.end && g.start < f.End {
					g.matched = true
					hit = true
				}
			}
			if hit {
				stats[ent].tp++
			} else {
				stats[ent].fp++
				if verbose {
					notes = append(notes, fmt.Sprintf("  fp %-13s %q in %q", ent, rec.FullText[f.Start:f.End], clip(rec.FullText)))
				}
			}
		}
		for _, g := range golds {
			if _, ok := entityRules[g.ent]; ok && !g.matched {
				stats[g.ent].fn++
				if verbose {
					notes = append(notes, fmt.Sprintf("  fn %-13s %q", g.ent, rec.FullText[g.start:g.end]))
				}
			}
		}
	}
	fmt.Fprintf(w, "PII on presidio synth_dataset_v2 (%d records; a finding is a hit when it overlaps a gold span of its entity)\n", len(recs))
	fmt.Fprintf(w, "  %-14s %-32s %5s %5s %5s %9s %7s %6s\n", "entity", "rules", "TP", "FP", "FN", "precision", "recall", "F1")
	ents := make([]string, 0, len(entityRules))
	for e := range entityRules {
		ents = append(ents, e)
	}
	sort.Strings(ents)
	for _, e := range ents {
		s := stats[e]
		p := ratio(s.tp, s.tp+s.fp)
		r := ratio(s.tp, s.tp+s.fn)
		f1 := 0.0
		if p+r > 0 {
			f1 = 2 * p * r / (p + r)
		}
		fmt.Fprintf(w, "  %-14s %-32s %5d %5d %5d %9.3f %7.3f %6.3f\n", e, strings.Join(entityRules[e], ","), s.tp, s.fp, s.fn, p, r, f1)
	}
	fmt.Fprintf(w, "  unsupported (not reported by design): %s\n", strings.Join(unsupported, ", "))
	for _, n := range notes {
		fmt.Fprintln(w, n)
	}
	return nil
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func clip(s string) string {
	if utf8.RuneCountInString(s) > 100 {
		return string([]rune(s)[:100]) + "…"
	}
	return s
}
