// Attribute keys and values as the span panel shows them: keys wrap after
// their dots, JSON strings and objects are pretty-printed.

import type { Attributes } from "../lib/types";

export function Value({ v }: { v: unknown }) {
  if (v === null || v === undefined) return <span className="muted">null</span>;
  if (typeof v === "string") {
    const t = v.trim();
    if ((t.startsWith("{") || t.startsWith("[")) && t.length > 2) {
      try {
        return <pre className="json">{JSON.stringify(JSON.parse(t), null, 2)}</pre>;
      } catch {
        // not JSON
      }
    }
    return <span className="str">{v}</span>;
  }
  if (typeof v === "object") return <pre className="json">{JSON.stringify(v, null, 2)}</pre>;
  return <span className="num-val">{String(v)}</span>;
}

export function AttributeRows({ attrs }: { attrs: Attributes }) {
  return (
    <table className="kv compact">
      <tbody>
        {Object.entries(attrs).map(([k, v]) => (
          <AttributeRow key={k} k={k} v={v} />
        ))}
      </tbody>
    </table>
  );
}

/** One attribute as a table row: the key in the header cell, the value beside it. */
export function AttributeRow({ k, v }: { k: string; v: unknown }) {
  return (
    <tr>
      <th>
        <Key k={k} />
      </th>
      <td>
        <Value v={v} />
      </td>
    </tr>
  );
}

/** An attribute key that may wrap after its dots and underscores. */
export function Key({ k }: { k: string }) {
  const parts = k.split(/(?<=[._])/);
  return (
    <>
      {parts.map((p, i) => (
        <span key={i}>
          {p}
          {i < parts.length - 1 && <wbr />}
        </span>
      ))}
    </>
  );
}
