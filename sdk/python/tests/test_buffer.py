import threading
import unittest

import agentstack
from agentstack import get_tracer
from agentstack._internal.buffer import RingBuffer
from tests.helpers import InMemoryTransport, free_port, setup_sdk, teardown_sdk


class RingBufferTest(unittest.TestCase):
    def test_overflow_drops_oldest_and_counts(self):
        buf = RingBuffer(3)
        for i in range(5):
            buf.add(i)
        self.assertEqual(len(buf), 3)
        self.assertEqual(buf.dropped, 2)
        self.assertEqual(buf.peek(10), [2, 3, 4])
        self.assertEqual(buf.drain(2), [2, 3])
        self.assertEqual(buf.drain(), [4])
        self.assertEqual(buf.drain(), [])

    def test_concurrent_adds_are_all_accounted_for(self):
        buf = RingBuffer(100)

        def producer():
            for i in range(1000):
                buf.add(i)

        threads = [threading.Thread(target=producer) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(len(buf) + buf.dropped, 4000)
        self.assertEqual(len(buf), 100)


class QueueOverflowTest(unittest.TestCase):
    def tearDown(self):
        teardown_sdk()

    def test_dead_collector_costs_a_bounded_buffer(self):
        # Huge batch size and interval: nothing leaves the buffer until flush.
        setup_sdk(collector_url="http://127.0.0.1:%d" % free_port(), max_queue_size=50, batch_size=10**6,
                  max_retries=0)
        for i in range(200):
            get_tracer().start_span("s%d" % i).end()
        st = agentstack.stats()
        self.assertEqual(st["queued"], 50)
        self.assertEqual(st["dropped"], 150)

    def test_newest_spans_survive_overflow(self):
        t = InMemoryTransport()
        setup_sdk(t, max_queue_size=5, batch_size=10**6)
        for i in range(8):
            get_tracer().start_span("s%d" % i).end()
        self.assertTrue(agentstack.flush(5))
        self.assertEqual([s["name"] for s in t.spans], ["s3", "s4", "s5", "s6", "s7"])
        self.assertEqual(agentstack.stats()["dropped"], 3)
        self.assertEqual(agentstack.stats()["exported"], 5)


if __name__ == "__main__":
    unittest.main()
