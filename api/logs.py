"""Logging that keeps secrets and user text out.

Access logs would otherwise carry homework codes (they live in the URL path of the client's
routes) and query strings; error logs would carry tracebacks. Request bodies are never logged.
"""

from __future__ import annotations

import logging
import re

_SECRET_PATH = re.compile(r"(/api/v1/h/)[^/?\s]+")
_QUERY = re.compile(r"\?\S*")


def redact(path: str) -> str:
    return _QUERY.sub("?…", _SECRET_PATH.sub(r"\1…", path))


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # uvicorn.access: args = (client, method, path, http_version, status)
        if isinstance(record.args, tuple) and len(record.args) >= 3:
            args = list(record.args)
            if isinstance(args[2], str):
                args[2] = redact(args[2])
            record.args = tuple(args)
        return True


class TypeOnlyTracebacks(logging.Filter):
    """The server logs unexpected errors with a traceback; exception messages and the locals
    they quote can hold user text. Keep the exception's type and drop the rest."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[0] is not None:
            record.msg = f"{record.getMessage()} ({record.exc_info[0].__name__})"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True


def install() -> None:
    for name, kind in (("uvicorn.access", RedactSecrets), ("uvicorn.error", TypeOnlyTracebacks)):
        logger = logging.getLogger(name)
        if not any(isinstance(f, kind) for f in logger.filters):
            logger.addFilter(kind())
