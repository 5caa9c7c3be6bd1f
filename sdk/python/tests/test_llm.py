import json
import unittest

from agentstack import get_tracer, observe, record_llm_usage
from tests.helpers import SDKTestCase


class RecordLLMUsageTest(SDKTestCase):
    def test_writes_genai_attributes_on_current_span(self):
        @observe(name="llm")
        def call():
            record_llm_usage(model="gpt-4o", provider="openai", input_tokens=1000, output_tokens=100,
                             cached_input_tokens=200, cache_creation_tokens=50, reasoning_tokens=30,
                             input_messages=[{"role": "user", "content": "hi"}],
                             output_messages=[{"role": "assistant", "content": "hello"}],
                             response_model="gpt-4o-2024-08-06")

        call()
        (span,) = self.flushed()
        a = span["attributes"]
        self.assertEqual(a["gen_ai.request.model"], "gpt-4o")
        self.assertEqual(a["gen_ai.response.model"], "gpt-4o-2024-08-06")
        self.assertEqual(a["gen_ai.provider.name"], "openai")
        self.assertEqual(a["gen_ai.usage.input_tokens"], 1000)
        self.assertEqual(a["gen_ai.usage.output_tokens"], 100)
        self.assertEqual(a["gen_ai.usage.cache_read.input_tokens"], 200)
        self.assertEqual(a["gen_ai.usage.cache_creation.input_tokens"], 50)
        self.assertEqual(a["gen_ai.usage.reasoning.output_tokens"], 30)
        self.assertEqual(json.loads(a["gen_ai.input.messages"]), [{"role": "user", "content": "hi"}])
        self.assertEqual(json.loads(a["gen_ai.output.messages"]), [{"role": "assistant", "content": "hello"}])

    def test_minimal_call_and_explicit_span(self):
        outer = get_tracer().start_span("explicit")
        with get_tracer().start_span("current"):
            record_llm_usage(model="claude-sonnet-4", provider="anthropic", input_tokens=10, output_tokens=2,
                             span=outer)
        outer.end()
        self.flushed()
        a = self.transport.by_name("explicit")["attributes"]
        self.assertEqual(a, {
            "gen_ai.request.model": "claude-sonnet-4",
            "gen_ai.response.model": "claude-sonnet-4",
            "gen_ai.provider.name": "anthropic",
            "gen_ai.usage.input_tokens": 10,
            "gen_ai.usage.output_tokens": 2,
        })
        self.assertEqual(self.transport.by_name("current")["attributes"], {})

    def test_messages_from_objects(self):
        class Msg:
            def __init__(self, role, content):
                self.role = role
                self.content = content

        with get_tracer().start_span("obj"):
            record_llm_usage(model="m", input_messages=[Msg("user", "q")], output_messages="already json")
        (span,) = self.flushed()
        self.assertEqual(json.loads(span["attributes"]["gen_ai.input.messages"]), [{"role": "user", "content": "q"}])
        self.assertEqual(span["attributes"]["gen_ai.output.messages"], "already json")

    def test_no_current_span_is_harmless(self):
        self.assertIsNone(record_llm_usage(model="gpt-4o", input_tokens=1))
        self.assertEqual(self.flushed(), [])


if __name__ == "__main__":
    unittest.main()
