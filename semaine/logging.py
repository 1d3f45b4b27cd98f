"""Structured logs: one JSON object per line in production, with the request id.

`JsonFormatter` serves Django's loggers and gunicorn's (through gunicorn.conf.py's logconfig_dict):
for gunicorn's access records it spreads the request's fields (method, path, status, duration,
request id) as JSON keys instead of one formatted line, so a log platform can filter on them.
"""

import contextvars
import logging
import re

from gunicorn.glogging import Logger as _GunicornLogger
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
    "h": "remote_addr",
    "a": "user_agent",
    "{x-request-id}o": "request_id",
}


# The visitor's position sent by « Autour de moi » (/api/v1/communes/?lat=&lon=): never logged.
_POSITION = re.compile(r"(?<![^?&\s])(lat|lon)=[^&\s]*", re.IGNORECASE)


def redact_position(text: str) -> str:
    """`text` with the values of its query's `lat` and `lon` parameters taken out."""
    return _POSITION.sub(r"\1=…", text) if text else text


class GunicornLogger(_GunicornLogger):
    """gunicorn's logger whose access-log atoms (request line, query, path) keep no position."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for name in ("r", "q", "U"):
            if isinstance(atoms.get(name), str):
                atoms[name] = redact_position(atoms[name])
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
