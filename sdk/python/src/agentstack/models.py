"""Plain data types shared by the tracer, the exporter and propagation."""

from __future__ import annotations

import enum
from typing import Any, Dict, List, NamedTuple, Optional, Union

# An attribute value as the collector accepts it: a JSON scalar or a list of them.
AttributeValue = Union[str, int, float, bool, List[Union[str, int, float, bool]]]
Attributes = Dict[str, AttributeValue]

# The wire form of one span: the collector's native JSON object.
SpanDict = Dict[str, Any]


class SpanStatus(str, enum.Enum):
    OK = "OK"
    ERROR = "ERROR"


class SpanKind(str, enum.Enum):
    INTERNAL = "internal"
    CLIENT = "client"
    SERVER = "server"
    PRODUCER = "producer"
    CONSUMER = "consumer"


class SpanEvent(NamedTuple):
    """A point in time inside a span (an exception, a streamed chunk...)."""

    name: str
    timestamp: int  # nanoseconds since the epoch
    attributes: Attributes

    def to_dict(self) -> Dict[str, Any]:
        return {"name": self.name, "timestamp": self.timestamp, "attributes": dict(self.attributes)}


class SpanContext(NamedTuple):
    """The identity of a span, enough to parent another one (possibly in another process).

    ``trace_id`` is 32 lower-case hex digits, ``span_id`` 16, as in W3C Trace Context.
    """

    trace_id: str
    span_id: str
    trace_flags: int = 1
    trace_state: str = ""
    is_remote: bool = False

    @property
    def sampled(self) -> bool:
        return bool(self.trace_flags & 1)


def make_span_dict(
    trace_id: str,
    span_id: str,
    parent_span_id: Optional[str],
    name: str,
    start_time: int,
    end_time: int,
    status: str,
    service_name: str,
    attributes: Attributes,
    events: List[Dict[str, Any]],
    kind: Optional[str] = None,
    status_message: Optional[str] = None,
) -> SpanDict:
    """Builds the collector's native span object (the ``spans[]`` items of ``POST /v1/traces``)."""
    span: SpanDict = {
        "trace_id": trace_id,
        "span_id": span_id,
        "parent_span_id": parent_span_id,
        "name": name,
        "start_time": start_time,
        "end_time": end_time,
        "status": status,
        "service_name": service_name,
        "attributes": attributes,
        "events": events,
    }
    if kind:
        span["kind"] = kind
    if status_message:
        span["status_message"] = status_message
    return span
