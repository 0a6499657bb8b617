"""The HTTP method a wrapper's name fixes: ``_post``, ``do_get``, ``postJson``, ``httpDelete``.

A project's own request helpers carry the method in their name far more often than in an
argument. The name is split into words (``_`` and camelCase); words that say "this sends a
request" and nothing about which (``do``, ``http``, ``send``, ``json``, ``async``...) are
dropped; when exactly one word is left and it is an HTTP method, that is the method. A name
with any other word (``get_orders``, ``getBssClient``, ``post_process``) fixes nothing: it may
be a getter or anything else, and a guessed method would put a wrong API in the report.
"""

from __future__ import annotations

import re

from permtable.apis import METHODS

_VERBS = {verb.lower(): verb for verb in METHODS}
# Words of a request helper's name that do not change which method it sends.
_FILLER = frozenset(
    {"do", "http", "https", "send", "request", "req", "json", "async", "sync", "raw", "api", "call", "signed"}
)
_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


def verb_in_name(name: str) -> str | None:
    """The method a helper named ``name`` sends, or None when the name does not fix one."""
    words = [word.lower() for word in _WORDS.findall(name)]
    left = [word for word in words if word not in _FILLER]
    if len(left) == 1 and left[0] in _VERBS:
        return _VERBS[left[0]]
    return None
