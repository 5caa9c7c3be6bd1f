import asyncio
import json
import time
import unittest

import agentstack
from agentstack import instrument_anthropic, instrument_openai, observe
from agentstack.integrations import uninstrument_anthropic, uninstrument_openai
from tests import fakes
from tests.helpers import InMemoryTransport, SDKTestCase, setup_sdk


class OpenAIClientTest(SDKTestCase):
    def test_chat_completion_sync(self):
        client = fakes.openai_client()
        self.assertTrue(instrument_openai(client))
        self.assertFalse(instrument_openai(client), "a second call must not wrap twice")

        @observe(name="agent")
        def agent():
            return client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "capital?"}],
                                                  temperature=0.2, max_tokens=64)

        resp = agent()
        self.assertEqual(resp.choices[0].message.content, "Paris.")
        self.assertEqual(client.chat.completions.calls[0]["model"], "gpt-4o")
        self.flushed()
        span = self.transport.by_name("chat gpt-4o")
        self.assertEqual(span["parent_span_id"], self.transport.by_name("agent")["span_id"])
        self.assertEqual(span["kind"], "client")
        a = span["attributes"]
        self.assertEqual(a["gen_ai.operation.name"], "chat")
        self.assertEqual(a["gen_ai.provider.name"], "openai")
        self.assertEqual(a["gen_ai.request.model"], "gpt-4o")
        self.assertEqual(a["gen_ai.response.model"], "gpt-4o-2024-08-06")
        self.assertEqual(a["gen_ai.usage.input_tokens"], 1000)
        self.assertEqual(a["gen_ai.usage.output_tokens"], 100)
        self.assertEqual(a["gen_ai.usage.cache_read.input_tokens"], 200)
        self.assertEqual(a["gen_ai.usage.reasoning.output_tokens"], 0)
        self.assertEqual(a["gen_ai.request.temperature"], 0.2)
        self.assertEqual(a["gen_ai.request.max_tokens"], 64)
        self.assertEqual(a["gen_ai.response.finish_reasons"], ["stop"])
        self.assertEqual(json.loads(a["gen_ai.input.messages"]), [{"role": "user", "content": "capital?"}])
        self.assertEqual(json.loads(a["gen_ai.output.messages"])[0]["content"], "Paris.")

    def test_chat_completion_stream_span_covers_stream(self):
        client = fakes.openai_client()
        instrument_openai(client)
        stream = client.chat.completions.create(model="gpt-4o", messages=[], stream=True,
                                                stream_options={"include_usage": True})
        self.assertEqual(stream.response.status_code, 200)  # attributes reach the real stream
        self.assertEqual(len(self.transport.spans) + len(agentstack.exporter.get_processor().buffer), 0,
                         "the span must stay open while the stream is read")
        text = []
        with stream:
            for chunk in stream:
                time.sleep(0.002)
                for c in chunk.choices:
                    text.append(c.delta.content or "")
        consumed = time.time_ns()
        self.assertEqual("".join(text), "Hello")
        (span,) = self.flushed()
        self.assertLessEqual(span["end_time"], consumed)
        self.assertGreaterEqual(span["end_time"] - span["start_time"], 8_000_000)
        a = span["attributes"]
        self.assertEqual(a["gen_ai.usage.input_tokens"], 50)
        self.assertEqual(a["gen_ai.usage.output_tokens"], 5)
        self.assertEqual(a["gen_ai.usage.cache_read.input_tokens"], 10)
        self.assertEqual(a["gen_ai.response.model"], "gpt-4o-2024-08-06")
        self.assertEqual(a["gen_ai.response.finish_reasons"], ["stop"])
        self.assertEqual(json.loads(a["gen_ai.output.messages"]), [
            {"role": "assistant", "content": "Hello", "finish_reason": "stop"}])

    def test_stream_error_marks_span(self):
        client = fakes.openai_client()
        instrument_openai(client)
        stream = client.chat.completions.create(model="gpt-4o", messages=[], stream=True)
        stream._stream.fail_after = 2
        with self.assertRaises(ConnectionError):
            for _ in stream:
                pass
        (span,) = self.flushed()
        self.assertEqual(span["status"], "ERROR")
        self.assertEqual(span["events"][0]["attributes"]["exception.type"], "ConnectionError")

    def test_api_error_propagates(self):
        err = TimeoutError("upstream timeout")
        client = fakes.openai_client(error=err)
        instrument_openai(client)
        with self.assertRaises(TimeoutError) as caught:
            client.chat.completions.create(model="gpt-4o", messages=[])
        self.assertIs(caught.exception, err)
        (span,) = self.flushed()
        self.assertEqual(span["status"], "ERROR")

    def test_async_chat_and_stream(self):
        client = fakes.openai_client(async_=True)
        instrument_openai(client)

        async def run():
            resp = await client.chat.completions.create(model="gpt-4o", messages=[])
            stream = await client.chat.completions.create(model="gpt-4o-mini", messages=[], stream=True)
            parts = []
            async with stream:
                async for chunk in stream:
                    parts.extend(c.delta.content or "" for c in chunk.choices)
            return resp, "".join(parts)

        resp, text = asyncio.run(run())
        self.assertEqual(resp.usage.prompt_tokens, 1000)
        self.assertEqual(text, "Hello")
        self.flushed()
        self.assertEqual(self.transport.by_name("chat gpt-4o")["attributes"]["gen_ai.usage.input_tokens"], 1000)
        streamed = self.transport.by_name("chat gpt-4o-mini")["attributes"]
        self.assertEqual(streamed["gen_ai.usage.output_tokens"], 5)

    def test_responses_api_plain_and_streamed(self):
        client = fakes.openai_client()
        instrument_openai(client)
        resp = client.responses.create(model="gpt-4.1", input="meaning of life?", instructions="be brief")
        self.assertEqual(resp.output_text, "42")
        events = list(client.responses.create(model="gpt-4.1-mini", input=[{"role": "user", "content": "x"}],
                                              stream=True))
        self.assertEqual(len(events), 4)
        self.flushed()
        plain = self.transport.by_name("chat gpt-4.1")["attributes"]
        self.assertEqual(plain["gen_ai.usage.input_tokens"], 300)
        self.assertEqual(plain["gen_ai.usage.output_tokens"], 20)
        self.assertEqual(plain["gen_ai.usage.cache_read.input_tokens"], 100)
        self.assertEqual(plain["gen_ai.usage.reasoning.output_tokens"], 8)
        self.assertEqual(plain["gen_ai.system_instructions"], "be brief")
        self.assertEqual(json.loads(plain["gen_ai.input.messages"]), [{"role": "user", "content": "meaning of life?"}])
        self.assertEqual(json.loads(plain["gen_ai.output.messages"])[0]["content"], "42")
        streamed = self.transport.by_name("chat gpt-4.1-mini")["attributes"]
        self.assertEqual(streamed["gen_ai.usage.input_tokens"], 300)
        self.assertEqual(streamed["gen_ai.response.model"], "gpt-4.1-2025-04-14")

    def test_content_capture_can_be_turned_off(self):
        t = InMemoryTransport()
        setup_sdk(t, capture_content=False)
        client = fakes.openai_client()
        instrument_openai(client)
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "secret plan"}])
        agentstack.flush(5)
        a = t.spans[0]["attributes"]
        self.assertNotIn("gen_ai.input.messages", a)
        self.assertNotIn("gen_ai.output.messages", a)
        self.assertEqual(a["gen_ai.usage.input_tokens"], 1000)


class RequiredArgsStyleTest(SDKTestCase):
    def test_async_create_behind_a_plain_decorator(self):
        # openai and anthropic wrap their async create() in a plain function
        # that returns the coroutine, so the wrapper cannot tell by inspection.
        inner = fakes.FakeAsyncCreate(fakes.chat_completion(), fakes.chat_chunks())
        plain = fakes.FakeCreate()
        plain.create = lambda **kw: inner.create(**kw)
        client = fakes.NS(chat=fakes.NS(completions=plain), responses=fakes.FakeCreate())
        instrument_openai(client)

        async def run():
            resp = await client.chat.completions.create(model="gpt-4o", messages=[])
            await asyncio.sleep(0.01)
            stream = await client.chat.completions.create(model="gpt-4o-s", messages=[], stream=True)
            return resp, [c async for c in stream]

        resp, chunks = asyncio.run(run())
        self.assertEqual(resp.id, "chatcmpl-1")
        self.assertEqual(len(chunks), 5)
        self.flushed()
        self.assertEqual(self.transport.by_name("chat gpt-4o")["attributes"]["gen_ai.usage.input_tokens"], 1000)
        self.assertEqual(self.transport.by_name("chat gpt-4o-s")["attributes"]["gen_ai.usage.input_tokens"], 50)


class AnthropicClientTest(SDKTestCase):
    def test_messages_sync(self):
        client = fakes.anthropic_client()
        self.assertTrue(instrument_anthropic(client))
        msg = client.messages.create(model="claude-sonnet-4", max_tokens=256, system="You are terse.",
                                     messages=[{"role": "user", "content": "hi"}])
        self.assertEqual(msg.content[0].text, "Bonjour")
        (span,) = self.flushed()
        self.assertEqual(span["name"], "chat claude-sonnet-4")
        a = span["attributes"]
        self.assertEqual(a["gen_ai.provider.name"], "anthropic")
        self.assertEqual(a["gen_ai.response.model"], "claude-sonnet-4-20250514")
        # OTel input_tokens is the whole input: uncached + cache reads + cache writes.
        self.assertEqual(a["gen_ai.usage.input_tokens"], 550)
        self.assertEqual(a["gen_ai.usage.output_tokens"], 30)
        self.assertEqual(a["gen_ai.usage.cache_read.input_tokens"], 400)
        self.assertEqual(a["gen_ai.usage.cache_creation.input_tokens"], 50)
        self.assertEqual(a["gen_ai.request.max_tokens"], 256)
        self.assertEqual(a["gen_ai.system_instructions"], "You are terse.")
        self.assertEqual(a["gen_ai.response.finish_reasons"], ["end_turn"])
        self.assertEqual(json.loads(a["gen_ai.output.messages"]),
                         [{"role": "assistant", "content": [{"type": "text", "text": "Bonjour"}]}])

    def test_messages_stream_sync_and_async(self):
        client = fakes.anthropic_client()
        aclient = fakes.anthropic_client(async_=True)
        instrument_anthropic(client)
        instrument_anthropic(aclient)
        events = list(client.messages.create(model="claude-a", max_tokens=10, messages=[], stream=True))
        self.assertEqual(events[-1].type, "message_stop")

        async def run():
            stream = await aclient.messages.create(model="claude-b", max_tokens=10, messages=[], stream=True)
            return [e.type async for e in stream]

        self.assertEqual(asyncio.run(run())[0], "message_start")
        self.flushed()
        for name in ("chat claude-a", "chat claude-b"):
            a = self.transport.by_name(name)["attributes"]
            self.assertEqual(a["gen_ai.usage.input_tokens"], 500)
            self.assertEqual(a["gen_ai.usage.output_tokens"], 12)
            self.assertEqual(a["gen_ai.usage.cache_read.input_tokens"], 400)
            self.assertEqual(a["gen_ai.response.finish_reasons"], ["end_turn"])
            self.assertEqual(json.loads(a["gen_ai.output.messages"])[0]["content"][0]["text"], "Bonjour")

    def test_async_messages(self):
        client = fakes.anthropic_client(async_=True)
        instrument_anthropic(client)
        msg = asyncio.run(client.messages.create(model="claude-x", max_tokens=5, messages=[]))
        self.assertEqual(msg.id, "msg_1")
        (span,) = self.flushed()
        self.assertEqual(span["attributes"]["gen_ai.usage.output_tokens"], 30)


class ClassInstrumentationTest(SDKTestCase):
    def test_instruments_installed_packages(self):
        mods = fakes.install_fake_modules(self)
        self.assertTrue(instrument_openai())
        self.assertTrue(instrument_anthropic())
        self.addCleanup(uninstrument_openai)
        self.addCleanup(uninstrument_anthropic)
        chat = mods["openai.resources.chat.completions"]
        resp_mod = mods["openai.resources.responses"]
        msgs = mods["anthropic.resources.messages"]
        chat.Completions().create(model="gpt-4o", messages=[])
        asyncio.run(chat.AsyncCompletions().create(model="gpt-4o-async", messages=[]))
        resp_mod.Responses().create(model="gpt-4.1", input="x")
        asyncio.run(resp_mod.AsyncResponses().create(model="gpt-4.1-async", input="x"))
        msgs.Messages().create(model="claude", max_tokens=1, messages=[])
        list(msgs.Messages().create(model="claude-stream", max_tokens=1, messages=[], stream=True))
        asyncio.run(msgs.AsyncMessages().create(model="claude-async", max_tokens=1, messages=[]))
        self.flushed()
        names = sorted(s["name"] for s in self.transport.spans)
        self.assertEqual(names, sorted(["chat gpt-4o", "chat gpt-4o-async", "chat gpt-4.1", "chat gpt-4.1-async",
                                        "chat claude", "chat claude-stream", "chat claude-async"]))
        self.assertTrue(uninstrument_openai())
        chat.Completions().create(model="gpt-4o", messages=[])
        self.assertTrue(agentstack.flush(5))
        self.assertEqual(len(self.transport.spans), 7, "uninstrumented calls make no span")

    def test_missing_packages(self):
        import sys

        saved = {k: sys.modules.pop(k) for k in list(sys.modules) if k == "openai" or k.startswith("openai.")}
        self.addCleanup(sys.modules.update, saved)
        sys.modules["openai"] = None  # makes "import openai" fail like an absent package
        self.addCleanup(sys.modules.pop, "openai", None)
        self.assertFalse(instrument_openai())

    def test_disabled_sdk_leaves_calls_alone(self):
        t = InMemoryTransport()
        setup_sdk(t, enabled=False)
        client = fakes.openai_client()
        instrument_openai(client)
        stream = client.chat.completions.create(model="gpt-4o", messages=[], stream=True)
        self.assertIsInstance(stream, fakes.FakeStream)
        agentstack.flush(1)
        self.assertEqual(t.spans, [])


if __name__ == "__main__":
    unittest.main()
