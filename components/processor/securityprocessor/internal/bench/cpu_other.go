//go:build !unix

package bench

import "time"

// CPU is 0 where the platform does not expose CPU time.
func CPU() time.Duration { return 0 }
