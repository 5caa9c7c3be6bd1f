import unittest

import agentstack
from agentstack import get_tracer
from agentstack.sanitizer import Sanitizer, luhn_valid
from tests.helpers import InMemoryTransport, SDKTestCase, setup_sdk


class SanitizerCasesTest(unittest.TestCase):
    def setUp(self):
        self.s = Sanitizer()

    def check(self, text, expected):
        self.assertEqual(self.s.scrub(text), expected)

    def test_ssn(self):
        self.check("ssn 123-45-6789 ok", "ssn [REDACTED_SSN] ok")

    def test_email(self):
        self.check("mail jane.doe+x@example.co.uk now", "mail [REDACTED_EMAIL] now")

    def test_credit_cards_need_luhn(self):
        self.check("card 4111-1111-1111-1111", "card [REDACTED_CC]")
        self.check("card 4111 1111 1111 1111.", "card [REDACTED_CC].")
        self.check("amex 378282246310005", "amex [REDACTED_CC]")
        # Same shape, bad checksum: not a card.
        self.check("order 4111-1111-1111-1112", "order 4111-1111-1111-1112")
        # A nanosecond timestamp is left alone.
        self.check("t=1732628000123456789", "t=1732628000123456789")

    def test_luhn(self):
        self.assertTrue(luhn_valid("79927398713"))
        self.assertFalse(luhn_valid("79927398710"))

    def test_phone(self):
        self.check("call (555) 123-4567", "call [REDACTED_PHONE]")
        self.check("call 555-123-4567 please", "call [REDACTED_PHONE] please")
        self.check("call +1 555.123.4567", "call [REDACTED_PHONE]")
        self.check("uk +44 20 7946 0958", "uk [REDACTED_PHONE]")
        self.check("version 1.2.3 build 20240115", "version 1.2.3 build 20240115")
        self.check("date 2024-01-15", "date 2024-01-15")

    def test_aws_key(self):
        self.check("key AKIAIOSFODNN7EXAMPLE end", "key [REDACTED_AWS_KEY] end")

    def test_openai_keys(self):
        self.check("sk-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKL", "[REDACTED_OPENAI_KEY]")
        self.check("use sk-proj-Ab3_dE5-fG7hI9jK1lM3nO5pQ7rS9 now", "use [REDACTED_OPENAI_KEY] now")

    def test_generic_keys_and_tokens(self):
        self.check("api_key=abcd1234efgh5678", "api_key=[REDACTED_API_KEY]")
        self.check('{"token": "Zx81kd03mQ"}', '{"token": "[REDACTED_API_KEY]"}')
        self.check("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig",
                   "Authorization: Bearer [REDACTED_API_KEY]")
        self.check("ghp_0123456789abcdefghijABCDEFGHIJ", "[REDACTED_API_KEY]")
        self.check("max_tokens=4096 tokens used", "max_tokens=4096 tokens used")

    def test_secret_attribute_names_are_blanked(self):
        out = self.s.scrub_attributes({"db.password": "hunter2", "http.x-api-key": "ak_abc", "user": "bob",
                                       "gen_ai.usage.input_tokens": 12})
        self.assertEqual(out, {"db.password": "[REDACTED]", "http.x-api-key": "[REDACTED]", "user": "bob",
                               "gen_ai.usage.input_tokens": 12})

    def test_lists_and_non_strings(self):
        out = self.s.scrub_attributes({"l": ["a@b.io", 3, True], "n": 1.5})
        self.assertEqual(out, {"l": ["[REDACTED_EMAIL]", 3, True], "n": 1.5})

    def test_custom_patterns(self):
        s = Sanitizer([r"order-\d+", (r"emp#\d{4}", "[EMPLOYEE]")])
        self.assertEqual(s.scrub("order-991 by emp#1234 a@b.io"), "[REDACTED] by [EMPLOYEE] [REDACTED_EMAIL]")

    def test_clean_text_unchanged(self):
        text = "The quick brown fox: 42 tokens, 3.5 seconds, model gpt-4o."
        self.check(text, text)


class SanitizerInExportTest(SDKTestCase):
    def test_attributes_events_and_status_are_scrubbed(self):
        with get_tracer().start_span("leaky") as span:
            span.set_attribute("input", "my email is a@b.io and ssn 123-45-6789")
            span.add_event("note", {"msg": "card 4111111111111111"})
            span.set_status("ERROR", "failed for a@b.io")
        (d,) = self.flushed()
        self.assertEqual(d["attributes"]["input"], "my email is [REDACTED_EMAIL] and ssn [REDACTED_SSN]")
        self.assertEqual(d["events"][0]["attributes"]["msg"], "card [REDACTED_CC]")
        self.assertEqual(d["status_message"], "failed for [REDACTED_EMAIL]")
        # The in-process span is untouched: scrubbing works on the exported copy.
        self.assertIn("a@b.io", span.attributes["input"])

    def test_can_be_switched_off(self):
        t = InMemoryTransport()
        setup_sdk(t, sanitize=False)
        get_tracer().start_span("raw", attributes={"input": "a@b.io"}).end()
        agentstack.flush(5)
        self.assertEqual(t.spans[0]["attributes"]["input"], "a@b.io")

    def test_custom_patterns_through_configure(self):
        t = InMemoryTransport()
        setup_sdk(t)
        agentstack.configure(sanitize_patterns={"ticket": r"TCK-\d+"})
        get_tracer().start_span("x", attributes={"q": "see TCK-1234 from a@b.io"}).end()
        self.assertTrue(agentstack.flush(5))
        self.assertEqual(t.spans[0]["attributes"]["q"], "see [REDACTED_TICKET] from [REDACTED_EMAIL]")

    def test_bad_custom_pattern_keeps_the_rest(self):
        t = InMemoryTransport()
        setup_sdk(t)
        with self.assertLogs("agentstack", "WARNING"):
            agentstack.configure(sanitize_patterns=["(unclosed", r"TCK-\d+", 42])
        get_tracer().start_span("x", attributes={"q": "TCK-9 from a@b.io"}).end()
        self.assertTrue(agentstack.flush(5))
        self.assertEqual(t.spans[0]["attributes"]["q"], "[REDACTED] from [REDACTED_EMAIL]")

    def test_from_environment(self):
        from agentstack.config import AgentStackConfig

        self.assertFalse(AgentStackConfig.from_env({"AGENTSTACK_SANITIZE": "false"}).sanitize)
        self.assertTrue(AgentStackConfig.from_env({}).sanitize)


if __name__ == "__main__":
    unittest.main()
