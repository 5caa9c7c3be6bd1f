package agentstackreceiver

import "sync/atomic"

// signalCounts mirrors, for /ready, what the receiver reports to the
// collector's own metrics (otelcol_receiver_accepted_* / refused_*): a
// probe or a person can see at a glance whether data is getting in.
type signalCounts struct {
	accepted atomic.Int64
	refused  atomic.Int64
}

func (c *signalCounts) add(n int, err error) {
	if err != nil {
		c.refused.Add(int64(n))
		return
	}
	c.accepted.Add(int64(n))
}

type counts struct {
	spans signalCounts
	logs  signalCounts
}

type readyBody struct {
	Ready              bool  `json:"ready"`
	AcceptedSpans      int64 `json:"accepted_spans"`
	RefusedSpans       int64 `json:"refused_spans"`
	AcceptedLogRecords int64 `json:"accepted_log_records"`
	RefusedLogRecords  int64 `json:"refused_log_records"`
}

func (c *counts) snapshot(ready bool) readyBody {
	return readyBody{
		Ready:              ready,
		AcceptedSpans:      c.spans.accepted.Load(),
		RefusedSpans:       c.spans.refused.Load(),
		AcceptedLogRecords: c.logs.accepted.Load(),
		RefusedLogRecords:  c.logs.refused.Load(),
	}
}
