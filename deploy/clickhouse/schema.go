// Package clickhouseschema holds AgentStack's ClickHouse schema: the
// contrib exporter's otel_traces table and the tables and materialized
// views AgentStack adds over it (spans by project, trace roll-ups, hourly
// costs, security alerts), as ordered, idempotent SQL files. The files use
// {{placeholders}} for the TTL and for every attribute name, which come
// from internal/semconv so the views read what the processors write.
// `agentstack-migrate --clickhouse DSN --print` shows the rendered SQL.
package clickhouseschema

import (
	"context"
	"embed"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/agentstack/agentstack/internal/semconv"
	"github.com/agentstack/agentstack/internal/sqlfiles"
)

//go:embed *.sql
var files embed.FS

// DefaultTTLDays is how long spans are kept unless told otherwise.
const DefaultTTLDays = 90

// Migration is one rendered schema file.
type Migration struct {
	Version    int
	Name       string
	Statements []string
}

var placeholder = regexp.MustCompile(`\{\{([a-z_]+)\}\}`)

// attr reads a map column's value for key; ClickHouse returns an empty string for a
// missing key, which the embedded store also treats as absent.
func attr(col, key string) string { return col + "['" + key + "']" }

// firstStr is internal/convert's firstStr: the first non-empty value.
func firstStr(cols []string, keys ...string) string {
	var b strings.Builder
	b.WriteString("multiIf(")
	for _, c := range cols {
		for _, k := range keys {
			fmt.Fprintf(&b, "%s != '', %s, ", attr(c, k), attr(c, k))
		}
	}
	b.WriteString("'')")
	return b.String()
}

// firstNum is internal/convert's firstInt/firstFloat: the first key whose
// value reads as a number (attribute maps hold strings here).
func firstNum(conv string, keys ...string) string {
	var b strings.Builder
	b.WriteString("multiIf(")
	for _, k := range keys {
		v := attr("SpanAttributes", k)
		fmt.Fprintf(&b, "isNotNull(toFloat64OrNull(%s)), %s(assumeNotNull(toFloat64OrNull(%s))), ", v, conv, v)
	}
	fmt.Fprintf(&b, "%s(0))", conv)
	return b.String()
}

// Vars are the placeholders' values for a TTL.
func Vars(ttlDays int) map[string]string {
	return map[string]string{
		"ttl_days":   strconv.Itoa(ttlDays),
		"project_id": attr("ResourceAttributes", semconv.ProjectID),
		"session_id": firstStr([]string{"SpanAttributes", "ResourceAttributes"}, semconv.GenAIConversationID, semconv.SessionID),
		"model": firstStr([]string{"SpanAttributes"}, semconv.LLMModel, semconv.GenAIResponseModel, semconv.GenAIRequestModel,
			semconv.OIModelName, semconv.SeedLLMModel),
		"input_tokens": firstNum("toInt64", semconv.UsageInputTokens, semconv.GenAIUsageInputTokens, semconv.GenAIUsagePromptTokens,
			semconv.OITokenPrompt, semconv.SeedTokensIn),
		"output_tokens": firstNum("toInt64", semconv.UsageOutputTokens, semconv.GenAIUsageOutputTokens, semconv.GenAIUsageCompletionTokens,
			semconv.OITokenCompletion, semconv.SeedTokensOut),
		"total_tokens":        firstNum("toInt64", semconv.UsageTotalTokens),
		"cost_usd":            firstNum("toFloat64", semconv.CostTotalUSD),
		"alert_event":         semconv.SecurityAlertEvent,
		"alert_rule":          semconv.AlertRule,
		"alert_type":          semconv.AlertType,
		"alert_severity":      semconv.AlertSeverity,
		"alert_score":         semconv.AlertScore,
		"alert_description":   semconv.AlertDescription,
		"alert_attribute_key": semconv.AlertAttributeKey,
		"alert_source":        semconv.AlertSource,
		"alert_preview":       semconv.AlertPreview,
		"alert_action":        semconv.AlertAction,
	}
}

// render expands the placeholders of one file and splits it into
// statements (each ends with a semicolon at the end of a line).
func render(name, body string, vars map[string]string) ([]string, error) {
	var missing []string
	out := placeholder.ReplaceAllStringFunc(body, func(m string) string {
		k := placeholder.FindStringSubmatch(m)[1]
		v, ok := vars[k]
		if !ok {
			missing = append(missing, k)
		}
		return v
	})
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s: unknown placeholders %v", name, missing)
	}
	var stmts []string
	var cur strings.Builder
	for _, line := range strings.Split(out, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "--") {
			continue
		}
		cur.WriteString(line)
		cur.WriteString("\n")
		if strings.HasSuffix(t, ";") {
			stmts = append(stmts, strings.TrimSuffix(strings.TrimSpace(cur.String()), ";"))
			cur.Reset()
		}
	}
	if strings.TrimSpace(cur.String()) != "" {
		return nil, fmt.Errorf("%s: the last statement does not end with ';'", name)
	}
	return stmts, nil
}

// Migrations renders the numbered files, in order, for a TTL in days.
func Migrations(ttlDays int) ([]Migration, error) {
	if ttlDays < 1 || ttlDays > 36500 {
		return nil, fmt.Errorf("ttl days must be between 1 and 36500, got %d", ttlDays)
	}
	numbered, err := sqlfiles.Numbered(files, ".", false) // ttl.sql is not a migration
	if err != nil {
		return nil, err
	}
	vars := Vars(ttlDays)
	ms := make([]Migration, 0, len(numbered))
	for _, f := range numbered {
		stmts, err := render(f.Name, f.SQL, vars)
		if err != nil {
			return nil, err
		}
		ms = append(ms, Migration{Version: f.Version, Name: f.Name, Statements: stmts})
	}
	return ms, nil
}

// TTLStatements renders ttl.sql: the statements that set the TTL on tables
// that already exist.
func TTLStatements(ttlDays int) ([]string, error) {
	if ttlDays < 1 || ttlDays > 36500 {
		return nil, fmt.Errorf("ttl days must be between 1 and 36500, got %d", ttlDays)
	}
	body, err := files.ReadFile("ttl.sql")
	if err != nil {
		return nil, err
	}
	return render("ttl.sql", string(body), Vars(ttlDays))
}

// Conn is what Migrate needs of a ClickHouse connection (clickhouse-go's
// driver.Conn has these methods).
type Conn interface {
	Exec(ctx context.Context, query string, args ...any) error
}

// VersionReader reads the applied versions.
type VersionReader func(ctx context.Context) (map[int]bool, error)

// MigrationsTable records what has been applied.
const MigrationsTable = "agentstack_schema_migrations"

// Migrate applies the migrations not yet recorded, then, with applyTTL,
// the TTL statements. Every statement is idempotent (IF NOT EXISTS), so a
// run interrupted half-way is finished by the next.
func Migrate(ctx context.Context, conn Conn, applied VersionReader, ttlDays int, applyTTL bool) ([]string, error) {
	ms, err := Migrations(ttlDays)
	if err != nil {
		return nil, err
	}
	if err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS `+MigrationsTable+` (
		version UInt32, name String, applied_at DateTime DEFAULT now()) ENGINE = MergeTree ORDER BY version`); err != nil {
		return nil, fmt.Errorf("creating %s: %w", MigrationsTable, err)
	}
	done, err := applied(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", MigrationsTable, err)
	}
	var names []string
	for _, m := range ms {
		if done[m.Version] {
			continue
		}
		for i, s := range m.Statements {
			if err := conn.Exec(ctx, s); err != nil {
				return names, fmt.Errorf("applying %s (statement %d): %w", m.Name, i+1, err)
			}
		}
		if err := conn.Exec(ctx, `INSERT INTO `+MigrationsTable+` (version, name) VALUES (?, ?)`, uint32(m.Version), m.Name); err != nil {
			return names, fmt.Errorf("recording %s: %w", m.Name, err)
		}
		names = append(names, m.Name)
	}
	if applyTTL {
		stmts, err := TTLStatements(ttlDays)
		if err != nil {
			return names, err
		}
		for _, s := range stmts {
			if err := conn.Exec(ctx, s); err != nil {
				return names, fmt.Errorf("setting the TTL: %w", err)
			}
		}
		names = append(names, fmt.Sprintf("ttl.sql (%d days)", ttlDays))
	}
	return names, nil
}
