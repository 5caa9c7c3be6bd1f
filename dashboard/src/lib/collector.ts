// Where SDKs send spans. The dashboard is served by the API (:8000); the
// collector's HTTP receiver listens on its own port (4318 by default) on
// the same host.

export function collectorURL(): string {
  const env = import.meta.env.VITE_COLLECTOR_URL as string | undefined;
  if (env) return env.replace(/\/$/, "");
  const { protocol, hostname } = window.location;
  return `${protocol}//${hostname}:4318`;
}

export function curlExample(key: string, url = collectorURL()): string {
  return `now=$(date +%s%N)
curl -s ${url}/v1/traces \\
  -H "X-API-Key: ${key}" -H 'Content-Type: application/json' \\
  -d '{"spans":[{"trace_id":"'$(openssl rand -hex 16)'","span_id":"'$(openssl rand -hex 8)'",
        "name":"agent.run","start_time":'$now',"end_time":'$((now+250000000))',
        "status":"OK","service_name":"my-agent",
        "attributes":{"gen_ai.request.model":"gpt-4o","gen_ai.usage.input_tokens":1000,"gen_ai.usage.output_tokens":100}}]}'`;
}

export function pythonSnippet(key: string, url = collectorURL()): string {
  return `export AGENTSTACK_API_KEY=${key}
export AGENTSTACK_COLLECTOR_URL=${url}

# pip install ./sdk/python, then:
from agentstack import observe

@observe(name="agent.run")
def run_agent(question: str) -> str:
    ...`;
}

export function otelSnippet(key: string, url = collectorURL()): string {
  return `export OTEL_EXPORTER_OTLP_ENDPOINT=${url}
export OTEL_EXPORTER_OTLP_HEADERS=x-api-key=${key}
export OTEL_SERVICE_NAME=my-agent`;
}
