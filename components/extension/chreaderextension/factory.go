// Package chreaderextension serves the traces that the contrib clickhouse
// exporter wrote to ClickHouse to the API: the scale-out counterpart of the
// embedded store's read side.
package chreaderextension

import (
	"context"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/extension"
)

// Type is the component type.
var Type = component.MustNewType("agentstack_clickhouse")

// NewFactory returns the extension factory.
func NewFactory() extension.Factory {
	return extension.NewFactory(Type, func() component.Config { return &Config{} }, create, component.StabilityLevelAlpha)
}

func create(_ context.Context, set extension.Settings, cfg component.Config) (extension.Extension, error) {
	return &readerExtension{cfg: cfg.(*Config), logger: set.Logger}, nil
}
