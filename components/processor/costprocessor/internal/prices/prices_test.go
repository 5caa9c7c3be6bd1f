package prices

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestLoadCarriesProvenance(t *testing.T) {
	s, err := Load()
	require.NoError(t, err)
	assert.Equal(t, "@pydantic/genai-prices", s.Source.Package)
	assert.Equal(t, "0.1.8", s.Source.Version)
	assert.Equal(t, "MIT", s.Source.License)
	assert.Regexp(t, `^\d{4}-\d{2}-\d{2}$`, s.Source.Retrieved)
	assert.Regexp(t, `^sha512-`, s.Source.Integrity)

	ids := map[string]bool{}
	for _, p := range s.Providers {
		ids[p.ID] = true
		for _, m := range p.Models {
			require.NotEmpty(t, m.Prices, "%s/%s has no prices", p.ID, m.ID)
		}
	}
	for _, want := range []string{"openai", "anthropic", "google", "aws", "azure", "mistral", "deepseek", "groq"} {
		assert.True(t, ids[want], "provider %s missing", want)
	}

	// Each Load is an independent copy.
	s.Providers = nil
	again, err := Load()
	require.NoError(t, err)
	assert.NotEmpty(t, again.Providers)
}

func TestPriceDecodingAndTiers(t *testing.T) {
	var ps PriceSet
	require.NoError(t, json.Unmarshal([]byte(`{"input_mtok": 1.25, "output_mtok": {"base": 5, "tiers": [{"start": 128000, "price": 10}, {"start": 1000000, "price": 20}]}}`), &ps))
	require.NotNil(t, ps.InputMTok)
	assert.Equal(t, 1.25, ps.InputMTok.At(1e9), "a flat price ignores the tier basis")
	assert.Equal(t, 5.0, ps.OutputMTok.At(128000), "the tier starts strictly above its threshold")
	assert.Equal(t, 10.0, ps.OutputMTok.At(128001))
	assert.Equal(t, 20.0, ps.OutputMTok.At(2e6))
	assert.Nil(t, ps.CacheReadMTok)

	out, err := json.Marshal(ps)
	require.NoError(t, err)
	assert.JSONEq(t, `{"input_mtok": 1.25, "output_mtok": {"base": 5, "tiers": [{"start": 128000, "price": 10}, {"start": 1000000, "price": 20}]}}`, string(out))

	var bad PriceSet
	assert.Error(t, json.Unmarshal([]byte(`{"input_mtok": "cheap"}`), &bad))
}

func TestParseRejectsEmptyTables(t *testing.T) {
	_, err := Parse([]byte(`{"source": {}, "providers": []}`))
	assert.ErrorContains(t, err, "no providers")
	_, err = Parse([]byte(`not json`))
	assert.ErrorContains(t, err, "decoding price snapshot")
}
