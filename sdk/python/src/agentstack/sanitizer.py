"""Client-side PII scrubbing: secrets and personal data never leave the machine.

Runs on every string attribute (and event attribute) of a span, in the
exporter thread, before the span is serialized. Patterns are compiled once.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Dict, Iterable, List, Optional, Pattern, Tuple, Union

from ._internal.safety import logger

Replacement = Union[str, Callable[["re.Match[str]"], str]]

# Attribute keys whose whole value is a secret, whatever it looks like.
_SECRET_KEY_RE = re.compile(
    r"(?:^|[._-])(?:password|passwd|pwd|secret|client_secret|api[_-]?key|apikey|"
    r"authorization|auth[_-]?token|access[_-]?token|refresh[_-]?token|private[_-]?key|x-api-key)$",
    re.IGNORECASE,
)


def luhn_valid(digits: str) -> bool:
    """True when the digit string passes the Luhn checksum used by card numbers."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _credit_card(match: "re.Match[str]") -> str:
    digits = re.sub(r"\D", "", match.group(0))
    # Card numbers start with 3-6 (Amex/Diners/JCB, Visa, Mastercard,
    # Discover); this spares nanosecond timestamps and most other long ids.
    if 13 <= len(digits) <= 19 and digits[0] in "3456" and luhn_valid(digits):
        return "[REDACTED_CC]"
    return match.group(0)


def _generic_key(match: "re.Match[str]") -> str:
    # Keep the label ("api_key=", "Bearer ") so the reader knows what was there.
    return match.group(1) + "[REDACTED_API_KEY]"


_DIGITS = ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9")

# Order matters: specific secrets first, so that e.g. an OpenAI key is not
# half-eaten by the generic rule, and cards before phones and SSNs. Each rule
# names substrings (of the lower-cased text) without which it cannot match:
# checking them is far cheaper than running the regex on every string.
_BUILTIN: List[Tuple[str, str, Replacement, Tuple[str, ...]]] = [
    ("aws_key", r"\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b", "[REDACTED_AWS_KEY]", ("akia", "asia", "abia", "acca")),
    ("openai_key", r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}", "[REDACTED_OPENAI_KEY]", ("sk-",)),
    (
        "api_key",
        r"(?i)((?:api[_-]?key|apikey|access[_-]?token|auth[_-]?token|secret[_-]?key|client[_-]?secret|"
        r"token|secret|password|passwd)[\"']?\s*[:=]\s*[\"']?)[A-Za-z0-9_\-./+=]{8,}",
        _generic_key,
        ("key", "token", "secret", "passw"),
    ),
    ("bearer", r"(?i)(\bbearer\s+)[A-Za-z0-9_\-.~+/=]{16,}", _generic_key, ("bearer",)),
    ("known_token", r"\b(?:ghp|gho|ghu|ghs|ghr|xox[abprs]|glpat|sk_live|rk_live|AIza)[-_A-Za-z0-9]{16,}",
     "[REDACTED_API_KEY]", ("gh", "xox", "glpat", "_live", "aiza")),
    ("email", r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b", "[REDACTED_EMAIL]", ("@",)),
    ("credit_card", r"(?<![\d-])(?:\d[ -]?){12,18}\d(?![\d-])", _credit_card, _DIGITS),
    ("ssn", r"(?<!\d)\d{3}-\d{2}-\d{4}(?!\d)", "[REDACTED_SSN]", _DIGITS),
    (
        "phone",
        r"(?<![\w+])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(?!\d)"
        r"|(?<![\w+])\+\d{1,3}[\s.-]?\d{2,4}(?:[\s.-]?\d{2,4}){2,4}(?!\d)",
        "[REDACTED_PHONE]",
        _DIGITS,
    ),
]


class Sanitizer:
    """Replaces PII and secrets in strings with ``[REDACTED_…]`` markers."""

    def __init__(self, extra_patterns: Iterable[Any] = (), builtin: bool = True) -> None:
        # (pattern, replacement, hints); empty hints: always run.
        self._rules: List[Tuple[Pattern[str], Replacement, Tuple[str, ...]]] = []
        for spec in extra_patterns:
            try:
                pattern, repl = _compile_spec(spec)
            except (re.error, TypeError, ValueError) as exc:
                # A bad custom pattern must not cost the built-in protection.
                logger.warning("agentstack: ignoring sanitizer pattern %r: %s", spec, exc)
                continue
            # User rules run first: they are usually more specific.
            self._rules.append((pattern, repl, ()))
        if builtin:
            for _name, pattern_src, repl, hints in _BUILTIN:
                self._rules.append((re.compile(pattern_src), repl, hints))

    def scrub(self, text: str) -> str:
        """Returns ``text`` with every match replaced."""
        if not text:
            return text
        low = text.lower()
        for pattern, repl, hints in self._rules:
            if hints and not any(h in low for h in hints):
                continue
            text = pattern.sub(repl, text)
        return text

    def scrub_value(self, key: str, value: Any) -> Any:
        if isinstance(value, str):
            if value and _SECRET_KEY_RE.search(key):
                return "[REDACTED]"
            return self.scrub(value)
        if isinstance(value, list):
            return [self.scrub(v) if isinstance(v, str) else v for v in value]
        return value

    def scrub_attributes(self, attributes: Dict[str, Any]) -> Dict[str, Any]:
        """Returns a scrubbed copy of an attribute dict."""
        return {k: self.scrub_value(k, v) for k, v in attributes.items()}


def _compile_spec(spec: Any) -> Tuple[Pattern[str], Replacement]:
    if isinstance(spec, tuple) and len(spec) == 2:
        pattern, repl = spec
    else:
        pattern, repl = spec, "[REDACTED]"
    if isinstance(pattern, str):
        pattern = re.compile(pattern)
    if not isinstance(pattern, re.Pattern):
        raise TypeError("sanitizer pattern must be a regex or (regex, replacement), got %r" % (spec,))
    return pattern, repl


_default: Optional[Sanitizer] = None


def default_sanitizer() -> Sanitizer:
    global _default
    if _default is None:
        _default = Sanitizer()
    return _default


def scrub(text: str) -> str:
    """Scrubs one string with the built-in patterns."""
    return default_sanitizer().scrub(text)
