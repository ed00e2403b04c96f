"""The private channel between the grader and its child: one JSON object per line.

Commands go down one pipe, replies come up another, never through the child's
stdout or stderr (which carry whatever the student's code prints). Every reply
carries the token the parent gave the child at start, so that bytes written by
student code into the wrong file descriptor are recognised as forged.
"""
import json


class ChannelError(Exception):
    """A line on the channel that the grader did not write (malformed or without the token)."""


def encode(message, token, _dumps=json.dumps):
    """One line of bytes for `message` (a dict), stamped with `token`.

    (`_dumps` is bound when the grader is imported, before any student code runs.)
    """
    return (_dumps({**message, "token": token}, separators=(",", ":")) + "\n").encode("utf-8")


def decode(line, token):
    """The message in `line`, checked to carry `token`.

    Raises:
        ChannelError: the line is not a JSON object with the right token.
    """
    try:
        message = json.loads(line)
    except (ValueError, UnicodeDecodeError):
        raise ChannelError(f"not JSON: {line[:80]!r}") from None
    if not isinstance(message, dict) or message.pop("token", None) != token:
        raise ChannelError(f"a message without the grader's token: {line[:80]!r}")
    return message
