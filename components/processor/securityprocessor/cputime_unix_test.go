//go:build unix

package securityprocessor

import (
	"syscall"
	"time"
)

// processCPU is the CPU time (user + system) this process has used. Benchmarks
// report it per operation beside ns/op, because on a shared machine wall time
// also counts the time other processes held the CPU.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
