package redisstreamexporter

import (
	"errors"
	"fmt"

	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/config/configretry"
	"go.opentelemetry.io/collector/exporter/exporterhelper"

	"github.com/agentstack/agentstack/components/exporter/redisstreamexporter/redisclient"
	"github.com/agentstack/agentstack/components/exporter/redisstreamexporter/streammsg"
)

// Config of the redisstream exporter.
type Config struct {
	redisclient.Config `mapstructure:",squash"`

	// SpanStream receives one entry per span.
	SpanStream string `mapstructure:"span_stream"`
	// SpanMaxLen caps SpanStream with XADD MAXLEN ~ (0: no cap).
	SpanMaxLen int64 `mapstructure:"span_max_len"`
	// AlertStream receives one entry per agentstack.security.alert event.
	AlertStream string `mapstructure:"alert_stream"`
	// AlertMaxLen caps AlertStream with XADD MAXLEN ~ (0: no cap).
	AlertMaxLen int64 `mapstructure:"alert_max_len"`
	// Format of the span messages: json (default) or otlp_proto.
	Format streammsg.Format `mapstructure:"format"`

	TimeoutConfig exporterhelper.TimeoutConfig                             `mapstructure:",squash"`
	RetryConfig   configretry.BackOffConfig                                `mapstructure:"retry_on_failure"`
	QueueConfig   configoptional.Optional[exporterhelper.QueueBatchConfig] `mapstructure:"sending_queue"`
}

// Validate checks the configuration; each error names its field.
func (c *Config) Validate() error {
	errs := append([]error{c.Config.Validate()}, ValidateStreams(c.SpanStream, c.AlertStream)...)
	if c.SpanMaxLen < 0 {
		errs = append(errs, fmt.Errorf("span_max_len: must not be negative (0 means no cap), got %d", c.SpanMaxLen))
	}
	if c.AlertMaxLen < 0 {
		errs = append(errs, fmt.Errorf("alert_max_len: must not be negative (0 means no cap), got %d", c.AlertMaxLen))
	}
	switch c.Format {
	case streammsg.FormatJSON, streammsg.FormatOTLPProto:
	default:
		errs = append(errs, fmt.Errorf("format: must be %q or %q, got %q", streammsg.FormatJSON, streammsg.FormatOTLPProto, c.Format))
	}
	return errors.Join(errs...)
}

// ValidateStreams checks the span_stream and alert_stream settings. The
// redisstream_feed extension follows the streams this exporter writes and
// checks its settings with it, so that both refuse the same values.
func ValidateStreams(spanStream, alertStream string) []error {
	var errs []error
	if spanStream == "" {
		errs = append(errs, errors.New("span_stream: must name a stream, e.g. spans.ingest"))
	}
	if alertStream == "" {
		errs = append(errs, errors.New("alert_stream: must name a stream, e.g. alerts.live"))
	}
	if spanStream != "" && spanStream == alertStream {
		errs = append(errs, fmt.Errorf("alert_stream: must differ from span_stream (both %q)", spanStream))
	}
	return errs
}
