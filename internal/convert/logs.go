package convert

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/agentstack/agentstack/internal/alertid"
	"github.com/agentstack/agentstack/internal/semconv"
	"github.com/agentstack/agentstack/internal/store"
)

// Logs converts a batch of log records. Records whose resource has no
// project id are counted and left out.
func Logs(ld plog.Logs) (store.LogBatch, int) {
	var b store.LogBatch
	unowned := 0
	b.Records = make([]store.LogRecord, 0, ld.LogRecordCount())
	rls := ld.ResourceLogs()
	for i := 0; i < rls.Len(); i++ {
		rl := rls.At(i)
		res := rl.Resource().Attributes()
		project := strAttr(res, semconv.ProjectID)
		service := strAttr(res, semconv.ServiceName)
		resJSON := mapJSON(res)
		sls := rl.ScopeLogs()
		for j := 0; j < sls.Len(); j++ {
			sl := sls.At(j)
			recs := sl.LogRecords()
			if project == "" {
				unowned += recs.Len()
				continue
			}
			for k := 0; k < recs.Len(); k++ {
				rec := recs.At(k)
				row := logRow(rec, project, service, sl.Scope().Name(), resJSON)
				b.Records = append(b.Records, row)
				b.Alerts = appendLogAlerts(b.Alerts, rec, row)
			}
		}
	}
	return b, unowned
}

func logRow(rec plog.LogRecord, project, service, scope string, resJSON []byte) store.LogRecord {
	attrs := rec.Attributes()
	row := store.LogRecord{
		ProjectID:          project,
		TimeNs:             int64(rec.Timestamp()),
		ObservedTimeNs:     int64(rec.ObservedTimestamp()),
		SeverityNumber:     int(rec.SeverityNumber()),
		SeverityText:       rec.SeverityText(),
		EventName:          rec.EventName(),
		Body:               valueJSON(rec.Body()),
		Attributes:         mapJSON(attrs),
		ResourceAttributes: resJSON,
		ServiceName:        service,
		ScopeName:          scope,
	}
	if row.EventName == "" {
		row.EventName = strAttr(attrs, semconv.EventName)
	}
	if row.TimeNs == 0 {
		row.TimeNs = row.ObservedTimeNs
	}
	if !rec.TraceID().IsEmpty() {
		row.TraceID = hexTrace(rec.TraceID())
	}
	if !rec.SpanID().IsEmpty() {
		row.SpanID = hexSpan(rec.SpanID())
	}
	row.ID = logID(row)
	return row
}

// logID digests what makes the record itself, so a retried batch maps to
// the same ids and the store keeps one copy.
func logID(r store.LogRecord) string {
	h := sha256.New()
	for _, s := range []string{r.TraceID, r.SpanID, strconv.FormatInt(r.TimeNs, 10), strconv.FormatInt(r.ObservedTimeNs, 10),
		strconv.Itoa(r.SeverityNumber), r.EventName, string(r.Body), string(r.Attributes)} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// appendLogAlerts reads the findings the security processor recorded on a
// log record, linked to the record's trace and span.
func appendLogAlerts(dst []store.Alert, rec plog.LogRecord, row store.LogRecord) []store.Alert {
	v, ok := rec.Attributes().Get(semconv.SecurityAlertsOnLog)
	if !ok || v.Type() != pcommon.ValueTypeSlice {
		return dst
	}
	sl := v.Slice()
	for i := 0; i < sl.Len(); i++ {
		if sl.At(i).Type() != pcommon.ValueTypeMap {
			continue
		}
		a := alertFields(sl.At(i).Map())
		a.ID = alertid.ID(row.ProjectID, row.TraceID, "log:"+row.ID, i, a.Rule)
		a.ProjectID, a.TraceID, a.SpanID, a.TimeNs = row.ProjectID, row.TraceID, row.SpanID, row.TimeNs
		dst = append(dst, a)
	}
	return dst
}

func valueJSON(v pcommon.Value) []byte {
	if v.Type() == pcommon.ValueTypeEmpty {
		return []byte("null")
	}
	b, err := json.Marshal(v.AsRaw())
	if err != nil {
		return []byte("null")
	}
	return b
}
