package projectstampprocessor

// Config of the projectstamp processor. It has no settings: the project
// always comes from the authenticated API key.
type Config struct{}

// Validate implements component.ConfigValidator.
func (*Config) Validate() error { return nil }
