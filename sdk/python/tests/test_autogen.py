import asyncio
import sys
import types
import unittest

from agentstack import instrument_autogen
from agentstack.integrations import uninstrument_autogen
from tests.helpers import SDKTestCase


def install_fake_autogen(test):
    """Minimal ``autogen`` (classic API) and ``autogen_agentchat.agents`` (0.4 API) modules."""

    class ConversableAgent:
        def __init__(self, name):
            self.name = name

        def initiate_chat(self, recipient, message=""):
            reply = recipient.generate_reply(messages=[{"role": "user", "content": message}], sender=self)
            return self.generate_reply(messages=[{"role": "user", "content": reply}], sender=recipient)

        def generate_reply(self, messages=None, sender=None):
            if messages and messages[-1]["content"] == "fail":
                raise RuntimeError("agent failed")
            return "%s says ok" % self.name

        async def a_initiate_chat(self, recipient, message=""):
            return await recipient.a_generate_reply(messages=[{"role": "user", "content": message}], sender=self)

        async def a_generate_reply(self, messages=None, sender=None):
            await asyncio.sleep(0)
            return "%s says async ok" % self.name

    class BaseChatAgent:
        def __init__(self, name):
            self.name = name

        async def run(self, task=None):
            return "done: %s" % task

    autogen = types.ModuleType("autogen")
    autogen.ConversableAgent = ConversableAgent
    agentchat = types.ModuleType("autogen_agentchat")
    agentchat.__path__ = []
    agents = types.ModuleType("autogen_agentchat.agents")
    agents.BaseChatAgent = BaseChatAgent
    names = ("autogen", "autogen_agentchat", "autogen_agentchat.agents")
    saved = {n: sys.modules.get(n) for n in names}

    def restore():
        for n, m in saved.items():
            if m is None:
                sys.modules.pop(n, None)
            else:
                sys.modules[n] = m

    test.addCleanup(restore)
    sys.modules.update({"autogen": autogen, "autogen_agentchat": agentchat, "autogen_agentchat.agents": agents})
    return ConversableAgent, BaseChatAgent


class AutogenTest(SDKTestCase):
    def setUp(self):
        super().setUp()
        self.Conv, self.Base = install_fake_autogen(self)
        self.assertTrue(instrument_autogen())
        self.addCleanup(uninstrument_autogen)
        self.assertFalse(instrument_autogen(), "a second call must not wrap twice")

    def test_chat_becomes_a_tree_of_turns(self):
        user, assistant = self.Conv("user"), self.Conv("assistant")
        self.assertEqual(user.initiate_chat(assistant, message="hi"), "user says ok")
        self.flushed()
        chat = self.transport.by_name("agent.chat user")
        self.assertEqual(chat["attributes"]["gen_ai.agent.name"], "user")
        self.assertEqual(chat["attributes"]["agentstack.agent.recipient"], "assistant")
        for name in ("agent.reply assistant", "agent.reply user"):
            self.assertEqual(self.transport.by_name(name)["parent_span_id"], chat["span_id"])

    def test_async_and_agentchat(self):
        user, assistant = self.Conv("user"), self.Conv("assistant")
        self.assertEqual(asyncio.run(user.a_initiate_chat(assistant, message="x")), "assistant says async ok")
        self.assertEqual(asyncio.run(self.Base("writer").run(task="poem")), "done: poem")
        self.flushed()
        chat = self.transport.by_name("agent.chat user")
        self.assertEqual(self.transport.by_name("agent.reply assistant")["parent_span_id"], chat["span_id"])
        self.assertEqual(self.transport.by_name("agent.run writer")["attributes"]["gen_ai.operation.name"],
                         "invoke_agent")

    def test_agent_error_propagates(self):
        with self.assertRaises(RuntimeError):
            self.Conv("a").generate_reply(messages=[{"role": "user", "content": "fail"}])
        (span,) = self.flushed()
        self.assertEqual(span["status"], "ERROR")

    def test_uninstrument_restores(self):
        self.assertTrue(uninstrument_autogen())
        self.Conv("a").generate_reply(messages=[])
        self.assertEqual(self.flushed(), [])


if __name__ == "__main__":
    unittest.main()
