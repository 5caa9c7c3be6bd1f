package normalize

import (
	"strings"
	"testing"
)

var benchText = func() string {
	s := "You are a support assistant for Acme Corp. Answer briefly and cite the knowledge base article id when you use one. " +
		"The customer writes: Hello, I ordered the blue kettle (order 55123) on March 3rd and it arrived with a cracked lid. " +
		"Your shop page at https://shop.acme.example/kettles/blue says returns are accepted within 30 days, and the receipt shows 2 items " +
		"for a total of 84.50 EUR including shipping. Could you tell me whether I should send the kettle back first or wait for a " +
		"replacement lid? I would also like to know how long a refund usually takes, since last time it took about two weeks. " +
		"Context from the knowledge base: KB-1042 Returns: items can be returned within 30 days of delivery in their original packaging. " +
		"KB-2210 Damaged goods: for parts damaged in transit we ship a replacement part first; the customer keeps the item. " +
		"KB-0310 Refunds: refunds are issued to the original payment method within 5 to 10 business days after we receive the return. " +
		"Respond in the customer's language and keep a friendly tone; do not promise dates the policy does not state."
	return (s + strings.Repeat(" Thank you.", 20))[:1024]
}()

func BenchmarkFold(b *testing.B) {
	b.SetBytes(int64(len(benchText)))
	b.ReportAllocs()
	for b.Loop() {
		_ = Fold(benchText)
	}
}

func BenchmarkFoldReference(b *testing.B) {
	b.SetBytes(int64(len(benchText)))
	b.ReportAllocs()
	for b.Loop() {
		_ = foldReference(benchText)
	}
}
