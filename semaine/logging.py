"""Structured logs: one JSON object per line in production, with the request id.

`JsonFormatter` serves Django's loggers and gunicorn's (through gunicorn.conf.py's logconfig_dict):
for gunicorn's access records it spreads the request's fields (method, path, status, duration,
request id) as JSON keys instead of one formatted line, so a log platform can filter on them.
"""

import contextvars
import logging
import re

from gunicorn.glogging import Logger as GunicornLogger
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

# A context variable rather than a thread-local: correct under threaded and async workers alike.
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")

# gunicorn's access-log atoms worth keeping, and the names they get in the JSON object.
ACCESS_FIELDS = {
    "m": "method",
    "U": "path",
    "q": "query",
    "s": "status",
    "B": "bytes",
    "M": "duration_ms",
    "a": "user_agent",
    "{x-request-id}o": "request_id",
}


# What technical logs must not keep (the privacy page says they hold no personal data): the
# signed tokens of personal links (django.core.signing's "payload:timestamp:signature", here
# in a path, a query or a referer) and a visitor's coordinates.
_SIGNED_TOKEN = re.compile(r"[\w.%-]{6,}(?::|%3[aA])[\w.%:-]{10,}")
_PRIVATE_PARAMS = re.compile(
    r"(?:^|(?<=[?&;]))((?:lat|lon|latitude|longitude|email)=)[^&;\s\"'<>]*"
)
REDACTED = "[masqué]"


# gunicorn's "Invalid request from ip=…" warnings.
_CLIENT_ADDRESS = re.compile(r"(?<=\bip=)[^\s,;]+")


def redact(text: str) -> str:
    """`text` (a URL, a request line, a log message) without tokens, coordinates or address."""
    if ":" not in text and "%3" not in text and "=" not in text:
        # Nothing to find (a token needs ":" or "%3A", a parameter and an address "="): the
        # access log calls this four times a request, mostly on bare paths.
        return text
    text = _SIGNED_TOKEN.sub(REDACTED, text)
    return _CLIENT_ADDRESS.sub(REDACTED, _PRIVATE_PARAMS.sub(rf"\1{REDACTED}", text))


class RedactFilter(logging.Filter):
    """Redacts every record a handler writes: Django's own lines name the request's path."""

    def filter(self, record):
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        request = getattr(record, "request", None)
        if request is not None:  # django.request's extra, which the JSON formatter writes out
            record.request = redact(repr(request))
        return True


class AccessLogger(GunicornLogger):
    """gunicorn's logger, whose access records keep no address, token or coordinates."""

    def access(self, resp, req, environ, request_time):
        # GUNICORN_ACCESS_LOG="" turns the access log off (gunicorn.conf.py), but gunicorn,
        # given a logging configuration (the JSON logs), builds every line's atoms (headers,
        # date, redaction: some 20 µs) for the silenced logger to drop: none is built.
        if not self.cfg.accesslog:
            return
        super().access(resp, req, environ, request_time)

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "q", "f"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact(atoms[key])
        atoms["h"] = "-"
        return atoms


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        if not getattr(record, "request_id", None):
            record.request_id = request_id_var.get()
        return True


class JsonFormatter(_JsonFormatter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("timestamp", True)
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        super().__init__("%(levelname)s %(name)s %(message)s", *args, **kwargs)

    def add_fields(self, log_data, record, message_dict):
        super().add_fields(log_data, record, message_dict)
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            for atom, key in ACCESS_FIELDS.items():
                value = record.args.get(atom)
                if value not in (None, "-", ""):
                    log_data[key] = value
            log_data["message"] = f"{log_data.get('method')} {log_data.get('path')}"
        if getattr(record, "request_id", ""):
            log_data["request_id"] = record.request_id
