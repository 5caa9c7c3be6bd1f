// Package bench holds what the security processor's benchmarks share: the
// kilobyte of ordinary agent traffic they scan, and CPU time per operation.
// Only tests import it.
package bench

import (
	"testing"
	"time"
)

// Text is about 1 KB of ordinary agent traffic: instructions, a question,
// numbers and a URL, with nothing to report.
var Text = func() string {
	s := "You are a support assistant for Acme Corp. Answer briefly and cite the knowledge base article id when you use one. " +
		"The customer writes: Hello, I ordered the blue kettle (order 55123) on March 3rd and it arrived with a cracked lid. " +
		"Your shop page at https://shop.acme.example/kettles/blue says returns are accepted within 30 days, and the receipt shows 2 items " +
		"for a total of 84.50 EUR including shipping. Could you tell me whether I should send the kettle back first or wait for a " +
		"replacement lid? I would also like to know how long a refund usually takes, since last time it took about two weeks. " +
		"Context from the knowledge base: KB-1042 Returns: items can be returned within 30 days of delivery in their original packaging. " +
		"KB-2210 Damaged goods: for parts damaged in transit we ship a replacement part first; the customer keeps the item. " +
		"KB-0310 Refunds: refunds are issued to the original payment method within 5 to 10 business days after we receive the return. " +
		"Respond in the customer's language and keep a friendly tone; do not promise dates the policy does not state."
	for len(s) < 1024 {
		s += " Thank you."
	}
	return s[:1024]
}()

// ReportCPU adds cpu-ns/op, the process CPU time per operation since start
// (a CPU() reading), beside ns/op: on a shared machine wall time also counts
// the time other processes held the CPU. Where the platform does not
// expose CPU time it adds nothing.
func ReportCPU(b *testing.B, start time.Duration) {
	if used := CPU() - start; used > 0 && b.N > 0 {
		b.ReportMetric(float64(used.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}
