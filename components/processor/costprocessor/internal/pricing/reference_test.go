package pricing

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/agentstack/agentstack/components/processor/costprocessor/internal/prices"
)

// vectors.json is written by scripts/update-prices with the package's own
// calcPrice; the Go port must give the same figures for every model.
type referenceFile struct {
	Source  string `json:"source"`
	Vectors []struct {
		Provider string `json:"provider"`
		Model    string `json:"model"`
		ModelID  string `json:"model_id"`
		Time     string `json:"time"`
		Usage    struct {
			Input      int64 `json:"input_tokens"`
			CacheRead  int64 `json:"cache_read_tokens"`
			CacheWrite int64 `json:"cache_write_tokens"`
			Output     int64 `json:"output_tokens"`
			Reasoning  int64 `json:"output_reasoning_tokens"`
		} `json:"usage"`
		InputUSD  float64 `json:"input_usd"`
		OutputUSD float64 `json:"output_usd"`
		TotalUSD  float64 `json:"total_usd"`
	} `json:"vectors"`
}

func newTestTable(t testing.TB, opts Options) *Table {
	t.Helper()
	snap, err := prices.Load()
	require.NoError(t, err)
	tbl, err := NewTable(snap, opts)
	require.NoError(t, err)
	return tbl
}

func closeEnough(a, b float64) bool {
	return math.Abs(a-b) <= 1e-12+1e-9*math.Max(math.Abs(a), math.Abs(b))
}

func TestMatchesReferenceImplementation(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "prices", "testdata", "vectors.json"))
	require.NoError(t, err)
	var ref referenceFile
	require.NoError(t, json.Unmarshal(raw, &ref))
	require.Greater(t, len(ref.Vectors), 1000, "the reference file should cover the whole table")

	tbl := newTestTable(t, Options{})
	for _, v := range ref.Vectors {
		at, err := time.Parse(time.RFC3339, v.Time)
		require.NoError(t, err)
		r := tbl.Lookup(v.Provider, v.Model)
		if !r.Priced || r.PriceProvider != v.Provider || r.PriceModel != v.ModelID {
			t.Errorf("%s %q: matched %s/%s (priced=%v), reference %s/%s",
				v.Provider, v.Model, r.PriceProvider, r.PriceModel, r.Priced, v.Provider, v.ModelID)
			continue
		}
		c := r.Cost(Tokens{
			Input: v.Usage.Input, CacheRead: v.Usage.CacheRead, CacheWrite: v.Usage.CacheWrite,
			Output: v.Usage.Output, Reasoning: v.Usage.Reasoning,
		}, at)
		if !closeEnough(c.Input, v.InputUSD) || !closeEnough(c.Output, v.OutputUSD) || !closeEnough(c.Total, v.TotalUSD) {
			t.Errorf("%s %q at %s %+v: got in=%g out=%g total=%g, reference in=%g out=%g total=%g",
				v.Provider, v.Model, v.Time, v.Usage, c.Input, c.Output, c.Total, v.InputUSD, v.OutputUSD, v.TotalUSD)
		}
	}
}
