"""Log lines stay lines. A request path or a form value reaches the logs as an argument of a log call
(`log.error("... %s", request.url.path)`); a `%0a` in a URL would otherwise start a new, genuine-looking
line. Every log record made in this process has the control characters of its text arguments escaped
(`\\n`, `\\x1b`), whichever logger and handler write it."""

import logging
import re

# C0 and C1 controls, DEL, and the Unicode line and paragraph separators some log viewers break on
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def escape_controls(text: str) -> str:
    return _CONTROL.sub(lambda found: repr(found.group())[1:-1], text)


def _escaped(value):
    return escape_controls(value) if isinstance(value, str) else value


def escape_log_records() -> None:
    """Make every later log record escape its text arguments (and its message, when it has none).
    Safe to call more than once."""
    make_record = logging.getLogRecordFactory()
    if getattr(make_record, "escapes_controls", False):
        return

    def escaping_record(*args, **kwargs) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        if isinstance(record.args, tuple) and record.args:
            record.args = tuple(_escaped(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _escaped(value) for key, value in record.args.items()}
        elif isinstance(record.msg, str):
            record.msg = escape_controls(record.msg)
        return record

    escaping_record.escapes_controls = True
    logging.setLogRecordFactory(escaping_record)
