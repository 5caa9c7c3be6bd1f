import { Link } from "react-router";
import { curlExample, otelSnippet } from "../lib/collector";
import { CodeBlock } from "./CopyButton";
import { Empty } from "./States";

/** The empty state of a new project: how to send the first trace. */
export function FirstTrace({ title = "No traces yet" }: { title?: string }) {
  const key = "$AGENTSTACK_API_KEY";
  return (
    <Empty title={title}>
      <p className="muted">
        Send your first trace with the project's API key (printed once at first start, or shown when you create a project or
        rotate its key in <Link to="/settings">Settings</Link>):
      </p>
      <CodeBlock label="curl" code={`export AGENTSTACK_API_KEY=ak_…\n${curlExample(key)}`} />
      <p className="muted">Or point any OpenTelemetry SDK at the collector:</p>
      <CodeBlock label="OpenTelemetry" code={otelSnippet(key)} />
    </Empty>
  );
}
