package streammsg_test

import (
	"context"
	"errors"
	"log"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/agentstack/agentstack/components/exporter/redisstreamexporter/streammsg"
)

// A consumer group reading spans.ingest: every group gets every span,
// consumers within a group share them. (Shown in docs/redis-streams.md;
// compiled with the tests, not run, since it loops forever.)
func Example_consumerGroup() {
	ctx := context.Background()
	rdb := redis.NewClient(&redis.Options{Addr: "localhost:6379"})
	defer rdb.Close()

	// "0": read the stream from its start; "$": only what comes next.
	err := rdb.XGroupCreateMkStream(ctx, "spans.ingest", "my-workers", "0").Err()
	if err != nil && !strings.HasPrefix(err.Error(), "BUSYGROUP") {
		log.Fatal(err)
	}
	for {
		streams, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
			Group: "my-workers", Consumer: "worker-1",
			Streams: []string{"spans.ingest", ">"}, Count: 100, Block: 0,
		}).Result()
		if err != nil {
			log.Fatal(err)
		}
		for _, m := range streams[0].Messages {
			spans, err := streammsg.DecodeSpans(m.Values)
			if errors.Is(err, streammsg.ErrVersion) {
				continue // a newer format: leave it pending for a newer consumer
			} else if err != nil {
				log.Printf("skipping %s: %v", m.ID, err)
			}
			for _, s := range spans {
				log.Printf("%s %s %s cost=$%.4f", s.ProjectID, s.Name, s.Model, s.CostUSD)
			}
			rdb.XAck(ctx, "spans.ingest", "my-workers", m.ID)
		}
	}
}
