package handlers

import (
	"database/sql"
	"os"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

func TestZZScratch(t *testing.T) {
	path := os.Getenv("SCRATCH_DB")
	if path == "" {
		t.Skip()
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var p1, p2 string
	db.QueryRow(`SELECT id FROM projects WHERE name='main'`).Scan(&p1)
	db.QueryRow(`SELECT id FROM projects WHERE name='second'`).Scan(&p2)
	s, e := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC).UnixNano(), time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC).UnixNano()
	for _, q := range []string{
		`SELECT COUNT(*), SUM(error_count > 0), SUM(span_count), SUM(input_tokens), SUM(cost_usd) FROM traces WHERE project_id IN (?1, ?2) AND start_time_ns >= ?3 AND start_time_ns <= ?4`,
		`SELECT duration_ns FROM traces WHERE project_id IN (?1, ?2) AND start_time_ns >= ?3 AND start_time_ns <= ?4`,
		`SELECT duration_ns FROM traces WHERE project_id IN (?1, ?2) AND start_time_ns >= ?3 AND start_time_ns <= ?4 ORDER BY duration_ns LIMIT 1 OFFSET 50000`,
		`SELECT CAST(log(duration_ns + 1) * 50 AS INTEGER) AS b, COUNT(*) FROM traces WHERE project_id IN (?1, ?2) AND start_time_ns >= ?3 AND start_time_ns <= ?4 GROUP BY b`,
		`SELECT project_id, session_id, COUNT(*), MAX(end_time_ns) FROM traces WHERE project_id IN (?1, ?2) AND session_id != '' GROUP BY project_id, session_id ORDER BY MAX(end_time_ns) DESC LIMIT 50`,
	} {
		rows, err := db.Query(`EXPLAIN QUERY PLAN `+q, p1, p2, s, e)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id, parent, notused int
			var detail string
			rows.Scan(&id, &parent, &notused, &detail)
			t.Logf("  plan: %s", detail)
		}
		rows.Close()
		t0 := time.Now()
		rows, err = db.Query(q, p1, p2, s, e)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for rows.Next() {
			n++
		}
		rows.Close()
		t.Logf("%.60s: %d rows in %s", q, n, time.Since(t0))
	}
}
