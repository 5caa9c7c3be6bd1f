import unittest

import agentstack
from agentstack.config import AgentStackConfig
from tests.helpers import SDKTestCase


class ConfigTest(unittest.TestCase):
    def test_defaults(self):
        cfg = AgentStackConfig.from_env({})
        self.assertEqual(cfg.collector_url, "http://localhost:4318")
        self.assertEqual(cfg.traces_url, "http://localhost:4318/v1/traces")
        self.assertTrue(cfg.enabled)
        self.assertEqual(cfg.batch_size, 64)
        self.assertEqual(cfg.export_interval_ms, 5000)
        self.assertEqual(cfg.max_queue_size, 2048)
        self.assertEqual(cfg.service_name, "default")
        self.assertEqual(cfg.api_key, "")

    def test_environment(self):
        cfg = AgentStackConfig.from_env({
            "AGENTSTACK_API_KEY": "ak_x",
            "AGENTSTACK_COLLECTOR_URL": "http://collector:4318/",
            "AGENTSTACK_ENABLED": "FALSE",
            "AGENTSTACK_BATCH_SIZE": "10",
            "AGENTSTACK_EXPORT_INTERVAL": "250",
            "AGENTSTACK_MAX_QUEUE_SIZE": "99",
            "AGENTSTACK_SERVICE_NAME": "planner",
            "AGENTSTACK_MAX_RETRIES": "0",
            "AGENTSTACK_DEBUG": "1",
        })
        self.assertEqual(cfg.api_key, "ak_x")
        self.assertEqual(cfg.traces_url, "http://collector:4318/v1/traces")
        self.assertFalse(cfg.enabled)
        self.assertEqual((cfg.batch_size, cfg.export_interval_ms, cfg.max_queue_size), (10, 250, 99))
        self.assertEqual(cfg.service_name, "planner")
        self.assertEqual(cfg.max_retries, 0)
        self.assertTrue(cfg.debug)
        self.assertEqual(cfg.log_level, "DEBUG")

    def test_malformed_values_keep_defaults(self):
        with self.assertLogs("agentstack", "WARNING"):
            cfg = AgentStackConfig.from_env({"AGENTSTACK_BATCH_SIZE": "lots", "AGENTSTACK_ENABLED": "maybe",
                                             "AGENTSTACK_MAX_QUEUE_SIZE": "-5"})
        self.assertEqual(cfg.batch_size, 64)
        self.assertTrue(cfg.enabled)
        self.assertEqual(cfg.max_queue_size, 2048)

    def test_full_url_is_kept(self):
        cfg = AgentStackConfig(collector_url="https://x.example/v1/traces")
        self.assertEqual(cfg.traces_url, "https://x.example/v1/traces")

    def test_replace_ignores_unknown_and_ill_typed(self):
        cfg = AgentStackConfig()
        with self.assertLogs("agentstack", "WARNING"):
            new = cfg.replace(batch_size="ten", nonsense=1, service_name="s")
        self.assertEqual(new.batch_size, 64)
        self.assertEqual(new.service_name, "s")
        self.assertEqual(cfg.service_name, "default")  # frozen original


class ConfigureTest(SDKTestCase):
    def test_configure_changes_config_and_keeps_buffered_spans(self):
        agentstack.get_tracer().start_span("before").end()
        cfg = agentstack.configure(service_name="renamed", batch_size=1000)
        self.assertEqual(cfg.service_name, "renamed")
        self.assertEqual(agentstack.get_config().batch_size, 1000)
        spans = self.flushed()
        self.assertEqual([s["name"] for s in spans], ["before"])
        self.assertEqual(spans[0]["service_name"], "renamed")

    def test_configure_never_raises(self):
        with self.assertLogs("agentstack", "WARNING"):
            agentstack.configure(unknown_option=True, max_queue_size=object())
        self.assertEqual(agentstack.get_config().max_queue_size, 2048)


if __name__ == "__main__":
    unittest.main()
