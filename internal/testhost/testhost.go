// Package testhost is a component.Host with chosen extensions, for tests of
// components that find each other through host.GetExtensions().
package testhost

import "go.opentelemetry.io/collector/component"

// Host serves a fixed set of extensions.
type Host map[component.ID]component.Component

// GetExtensions implements component.Host.
func (h Host) GetExtensions() map[component.ID]component.Component { return h }
