package sqlfiles

import (
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestNumberedOrdersByVersionNotName(t *testing.T) {
	fsys := fstest.MapFS{
		"m/0010_ten.sql": {Data: []byte("ten")},
		"m/0002_two.sql": {Data: []byte("two")},
		"m/ttl.sql":      {Data: []byte("helper")},
	}
	_, err := Numbered(fsys, "m", true)
	assert.ErrorContains(t, err, "ttl.sql: name must be NNNN_what.sql")
	fs, err := Numbered(fsys, "m", false)
	require.NoError(t, err)
	require.Len(t, fs, 2)
	assert.Equal(t, File{Version: 2, Name: "0002_two.sql", SQL: "two"}, fs[0])
	assert.Equal(t, 10, fs[1].Version)
}

func TestNumberedRefusesTwoFilesWithOneVersion(t *testing.T) {
	_, err := Numbered(fstest.MapFS{"a/0001_a.sql": {}, "a/0001_b.sql": {}}, "a", true)
	assert.ErrorContains(t, err, "share version 1")
}
