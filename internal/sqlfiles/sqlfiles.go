// Package sqlfiles reads numbered schema files (NNNN_what.sql) in version
// order: the one loader behind the SQLite, PostgreSQL and ClickHouse
// migrations.
package sqlfiles

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// File is one numbered schema file.
type File struct {
	Version int
	Name    string
	SQL     string
}

// Numbered returns the NNNN_what.sql files of dir, ordered by version,
// refusing two files with one version. With strict, any other file name in
// dir is an error; otherwise it is left out (for helper files beside them).
func Numbered(fsys fs.FS, dir string, strict bool) ([]File, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var out []File
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			if strict {
				return nil, fmt.Errorf("migration %s: name must be NNNN_what.sql", e.Name())
			}
			continue
		}
		body, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, File{Version: v, Name: e.Name(), SQL: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i := 1; i < len(out); i++ {
		if out[i].Version == out[i-1].Version {
			return nil, fmt.Errorf("migrations %s and %s share version %d", out[i-1].Name, out[i].Name, out[i].Version)
		}
	}
	return out, nil
}
