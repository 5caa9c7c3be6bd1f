import unittest

from agentstack import SpanContext, extract, get_current_span, get_tracer, inject, observe, use_context
from agentstack.propagation import parse_traceparent
from tests.helpers import SDKTestCase

# The example of the W3C Trace Context specification, as OTel SDKs send it.
W3C_EXAMPLE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


class PropagationTest(SDKTestCase):
    def test_inject_extract_round_trip(self):
        with get_tracer().start_span("client") as span:
            headers = {}
            inject(headers)
        self.assertEqual(headers["traceparent"], "00-%s-%s-01" % (span.trace_id, span.span_id))
        ctx = extract(headers)
        self.assertEqual(ctx, SpanContext(span.trace_id, span.span_id, 1, "", True))

    def test_inject_explicit_span_and_nothing_without_span(self):
        headers = {}
        inject(headers)
        self.assertEqual(headers, {})
        span = get_tracer().start_span("s")
        inject(headers, span)
        self.assertEqual(headers["traceparent"].split("-")[2], span.span_id)

    def test_continue_remote_trace(self):
        ctx = extract({"Traceparent": W3C_EXAMPLE, "tracestate": "vendor=1"})
        self.assertIsNotNone(ctx)
        with get_tracer().start_span("server", parent=ctx, kind="server") as server:
            out = {}
            inject(out)
        self.assertEqual(out["tracestate"], "vendor=1")

        @observe(name="handler")
        def handler():
            return get_current_span()

        with use_context(ctx):
            h = handler()
        self.flushed()
        s = self.transport.by_name("server")
        self.assertEqual(s["trace_id"], "4bf92f3577b34da6a3ce929d0e0e4736")
        self.assertEqual(s["parent_span_id"], "00f067aa0ba902b7")
        self.assertEqual(out["traceparent"], "00-4bf92f3577b34da6a3ce929d0e0e4736-%s-01" % server.span_id)
        self.assertEqual(h.parent_span_id, "00f067aa0ba902b7")
        self.assertEqual(h.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736")

    def test_unsampled_flag_is_kept(self):
        ctx = extract({"traceparent": W3C_EXAMPLE[:-2] + "00"})
        self.assertFalse(ctx.sampled)
        with get_tracer().start_span("x", parent=ctx):
            headers = {}
            inject(headers)
        self.assertTrue(headers["traceparent"].endswith("-00"))

    def test_header_shapes(self):
        self.assertIsNotNone(extract([("TraceParent", W3C_EXAMPLE)]))
        self.assertIsNotNone(extract({"HTTP_TRACEPARENT": W3C_EXAMPLE}))
        self.assertIsNotNone(extract({"traceparent": [W3C_EXAMPLE]}))
        self.assertIsNotNone(extract({b"traceparent": W3C_EXAMPLE.encode()}.items()))
        self.assertIsNone(extract({}))
        self.assertIsNone(extract(None))
        self.assertIsNone(extract(42))

    def test_invalid_traceparents(self):
        bad = [
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",  # zero trace id
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",  # zero span id
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",  # upper case
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  # forbidden version
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",  # v00 has 4 fields
            "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",  # short trace id
            "garbage",
            "",
        ]
        for value in bad:
            with self.subTest(value=value):
                self.assertIsNone(parse_traceparent(value))
        # A future version may add fields.
        self.assertIsNotNone(parse_traceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-xyz"))


if __name__ == "__main__":
    unittest.main()
