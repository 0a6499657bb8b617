"""Files that are not Python: JavaScript, TypeScript, Go, Java, Kotlin, shell, YAML, JSON.

Without a parser for each language, the reading is by patterns, and the rule for the HTTP
method is: take it only from something the code states, never from a hunch. What counts:

- ``METHOD /v2/...`` or ``METHOD https://...`` written together (a comment, a route list,
  ``http POST https://...``);
- curl and wget options on the same (backslash-continued) line, in any file: ``-X POST``,
  ``--request``, ``--method``; without them, curl's documented default: POST with ``-d``/
  ``--data``/``-F``/``--json``, HEAD with ``-I``, else GET;
- the call the URL is handed to: ``axios.post(``, ``http.Get(``, ``this.http.delete<T>(``,
  ``new HttpPost(``; a ``method: "POST"`` key, a quoted ``"POST"`` or ``http.MethodPost``
  among the call's arguments (``http.NewRequest("POST", url, body)``); a Java or Kotlin builder
  chain (``.uri(...).POST(...)``, ``.url(...).post(body)``); ``fetch(url)`` without a method
  (fetch's default is GET);
- in YAML and JSON, a ``method`` key beside the URL in the same mapping;
- a variable bound to the URL (``const url = ...``, ``url := ...``, ``URL="..."``) and then
  handed to such a call: the call is the site.

A path with none of these is reported with no method.
"""

from __future__ import annotations

import bisect
import re
from array import array
from dataclasses import dataclass
from functools import lru_cache

from permtable.apis import METHODS
from permtable.scan.paths import PARAM, RELATIVE_LITERAL, complete_relative, find_paths, names_bss
from permtable.scan.wrappers import verb_in_name

_METHOD_WORDS = "|".join(sorted(METHODS))
_CURL_METHOD = re.compile(
    rf"(?:-X\s*|--request[=\s]+|--method[=\s]+)[\"']?({_METHOD_WORDS})\b", re.IGNORECASE
)
_CURL_DATA = re.compile(
    r"\s(?:-d|--data(?:-raw|-binary|-urlencode)?|-F|--form|--json|-T|--upload-file)(?=[\s=]|$)"
)
_CURL_HEAD = re.compile(r"\s(?:-I|--head)(?=\s|$)")
_TOOL = re.compile(r"(?<![\w.-])(curl|wget)(?![\w.-])")
_METHOD_KEY = re.compile(r"[\"']?\bmethod[\"']?\s*[:=]\s*[\"'`]([A-Za-z]+)[\"'`]", re.IGNORECASE)
_QUOTED_METHOD = re.compile(
    rf"[\"'`]({_METHOD_WORDS})[\"'`]|\bhttp\.Method(Get|Post|Put|Delete|Patch|Head|Options)\b"
    rf"|\bHttpMethod\.({_METHOD_WORDS})\b"
)
_CALL_NAME = re.compile(r"([A-Za-z_$][\w$]*)\s*(?:<[^<>()]*>)?\s*(?:\?\.)?\s*$")
_CHAINED = re.compile(r"\)\s*\.\s*(GET|POST|PUT|DELETE|PATCH|HEAD|get|post|put|delete|patch|head)\s*\(")
_ASSIGNMENT = re.compile(
    r"(?:^\s*|[;{(]\s*)(?:export\s+)?(?:(?:const|let|var|val|final|static|private|public|protected|String|str)\s+)*"
    r"([A-Za-z_$][\w$]*)\s*(?::=|=(?!=))\s*[^=]*$"
)
_SIBLING = re.compile(r"^\s*(?:-\s+)?[\"']?method[\"']?\s*:\s*[\"']?([A-Za-z]+)")
SCAN_BACK = 4000
_BRACKETS = re.compile(r"[()\[\]{};]")
SIBLING_REACH = 50
MAX_USES = 20


@dataclass(frozen=True, slots=True)
class TextFinding:
    method: str | None
    path: str
    line: int
    column: int


class _Text:
    def __init__(self, text: str, language: str):
        self.text = text
        self.language = language
        self.starts = [0] + [match.end() for match in re.finditer(r"\n", text)]
        self.lines = text.split("\n")
        self._wrappers: dict[str, str | None] = {}
        self._brackets: tuple[array[int], array[int]] | None = None
        self._closers: dict[int, int] = {}
        self._stated: dict[int, tuple[str | None, bool]] = {}  # group opener -> what it states

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1

    def line_bounds(self, offset: int) -> tuple[int, int]:
        """The logical line around ``offset``: backslash-continued lines count as one."""
        start = offset
        while True:
            start = self.text.rfind("\n", 0, start)
            if start <= 0 or self.text[start - 1] != "\\":
                start = start + 1 if start >= 0 else 0
                break
        end = offset
        while True:
            end = self.text.find("\n", end)
            if end == -1:
                end = len(self.text)
                break
            if end > 0 and self.text[end - 1] == "\\":
                end += 1
                continue
            break
        return start, end

    # ------------------------------------------------------------------ brackets

    def enclosing(self, offset: int) -> tuple[int, int] | None:
        """The bracket group ``(...)`` or ``{...}`` around ``offset``: (opener, closer), or None
        when a ``;`` ends the statement first. Looks at most SCAN_BACK characters back.

        The answer is the nearest opener left of ``offset`` that no bracket between closes; the
        file's brackets are indexed once (``_index``), so each of a large file's many strings
        costs a binary search, not a walk back over SCAN_BACK characters."""
        positions, answers = self._index()
        token = bisect.bisect_left(positions, offset) - 1
        if token < 0:
            return None
        opener = answers[token]
        if opener < 0 or opener < offset - SCAN_BACK:
            return None  # no group open here, a ';' ended the statement, or too far back
        return opener, self._closer(opener)

    def _index(self) -> tuple[array[int], array[int]]:
        """Every bracket and ``;``, in order, with what is open just after it: the innermost
        open bracket, -1 when none is, -2 when a ``;`` has ended the statement inside it.
        Brackets match by position whatever their kind, as in the code the reader meets."""
        if self._brackets is None:
            positions: array[int] = array("q")
            answers: array[int] = array("q")
            stack: list[list[int]] = []  # [opener, 1 once a ';' was met at its level]
            text = self.text
            for match in _BRACKETS.finditer(text):
                position = match.start()
                char = text[position]
                if char in "([{":
                    stack.append([position, 0])
                elif char == ";":
                    if stack:
                        stack[-1][1] = 1
                elif stack:
                    stack.pop()
                positions.append(position)
                if stack:
                    answers.append(-2 if stack[-1][1] else stack[-1][0])
                else:
                    answers.append(-1)
            self._brackets = (positions, answers)
        return self._brackets

    def _closer(self, opener: int) -> int:
        """Where the group opened at ``opener`` closes (at most SCAN_BACK on), remembered: the
        strings of one large group all ask for it."""
        closer = self._closers.get(opener)
        if closer is None:
            closer = self._closers[opener] = self._find_closer(opener)
        return closer

    def _find_closer(self, opener: int) -> int:
        closing = {"(": ")", "[": "]", "{": "}"}
        depth: list[str] = []
        limit = min(len(self.text), opener + SCAN_BACK)
        for match in _BRACKETS.finditer(self.text, opener, limit):
            char = match.group()
            if char in closing:
                depth.append(closing[char])
            elif char in ")]}" and depth and depth[-1] == char:
                depth.pop()
                if not depth:
                    return match.start()
        return limit

    # ------------------------------------------------------------------ the method

    def method_at(self, start: int, end: int) -> str | None:
        """The method stated around the string that spans ``start:end``, or None."""
        found = self._tool_method(start)  # curl in a script, a CI YAML, a README-like comment
        if found:
            return found
        if self.language == "yaml":
            return self._sibling_method(start)
        group = self.enclosing(start)
        while group is not None:
            found = self._group_method(group, start, end)
            if found:
                return found
            opener, _ = group
            if self.text[opener] == "(":
                break  # the URL's own call decides; outer calls do other things
            group = self.enclosing(opener)
        if self.language in ("java", "kotlin"):
            stop = self.text.find(";", end)
            window = self.text[end : stop if stop != -1 else end + 400][:400]
            chained = _CHAINED.search(window)
            if chained:
                return chained[1].upper()
        if self.language == "json":
            return self._sibling_method(start)
        return None

    def _tool_method(self, offset: int) -> str | None:
        start, end = self.line_bounds(offset)
        line = self.text[start:end]
        tool = _TOOL.search(line)
        if tool is None:
            return None
        explicit = _CURL_METHOD.search(line)
        if explicit:
            return explicit[1].upper()
        if tool[1] == "wget":
            return "POST" if re.search(r"--post-(?:data|file)", line) else "GET"
        if _CURL_DATA.search(line):
            return "POST"
        if _CURL_HEAD.search(line):
            return "HEAD"
        return "GET"

    def _group_method(self, group: tuple[int, int], start: int, end: int) -> str | None:
        """The method the group around the URL states. Only its own level counts: a ``"POST"``
        inside another call among the arguments (``http.get(url, {headers: sign("POST",
        other)})``) belongs to that other request.

        What a group states is read once per group: the strings of one large body share it."""
        stated = self._stated.get(group[0])
        if stated is None:
            stated = self._stated[group[0]] = self._stated_in_group(group)
        method, fetch_call = stated
        if method is not None:
            return method
        if fetch_call and self._fetch_has_no_options(end, group[1]):
            return "GET"  # fetch's default method
        return None

    def _stated_in_group(self, group: tuple[int, int]) -> tuple[str | None, bool]:
        """The method a group states, and whether it is a ``fetch(`` call stating none (whose
        default applies when the URL is its only argument)."""
        opener, closer = group
        span = self.text[opener:closer]
        call = self.text[opener] == "("
        # A method key sits in the group itself, or in an options object handed to the call.
        key = _METHOD_KEY.search(_shallow(span, 2 if call else 1))
        if key and key[1].upper() in METHODS:
            return key[1].upper(), False
        if not call:
            return None, False
        quoted = {
            next(word for word in found.groups() if word).upper()
            for argument in _arguments(_shallow(span, 1))
            if (found := _QUOTED_METHOD.fullmatch(argument.strip()))
        }
        if len(quoted) == 1:
            return quoted.pop(), False
        name = call_name(self.text, max(0, opener - 200), opener)
        named = verb_in_name(name) or self.wrapper_method(name)
        if named:
            return named, False
        return None, name == "fetch" and key is None

    def wrapper_method(self, name: str) -> str | None:
        """The one method a function or method of this file named ``name`` sends, read from its
        body: ``func (c *Client) list(...) { ... c.Request("GET", ...) }``. None when the file
        does not define it, defines it more than once, or its body states no method or several."""
        if not name or name in self._wrappers:
            return self._wrappers.get(name)
        self._wrappers[name] = None
        definitions = list(_definition(name).finditer(self.text))
        if len(definitions) != 1:
            return None
        body_start = self.text.find("{", definitions[0].end())
        if body_start == -1:
            return None
        body = self.text[body_start : self._closer(body_start)]
        stated = {
            next(word for word in found.groups() if word).upper() for found in _QUOTED_METHOD.finditer(body)
        }
        stated.update(verb.upper() for verb in _CALLED_VERB.findall(body))
        self._wrappers[name] = stated.pop() if len(stated) == 1 else None
        return self._wrappers[name]

    def _fetch_has_no_options(self, end: int, closer: int) -> bool:
        """``fetch(url)`` or ``fetch(url, {...})`` (the method key was looked for already)."""
        rest = self.text[end:closer]
        depth = 0
        for position, char in enumerate(rest):
            if char in "([{":
                depth += 1
            elif char in ")]}":
                depth -= 1
            elif char == "," and depth == 0:
                return rest[position + 1 :].lstrip().startswith("{")
        return True

    def _sibling_method(self, offset: int) -> str | None:
        """A ``method`` key in the YAML or JSON mapping that holds the URL."""
        lines = self.lines
        index = self.position(offset)[0] - 1
        own = _indent(lines[index])
        if not _is_item(lines[index]):
            position = index - 1
            while position >= 0 and index - position <= SIBLING_REACH:
                line = lines[position]
                if line.strip():
                    indent = _indent(line)
                    if indent < own:
                        break
                    if indent == own:
                        found = _SIBLING.match(line)
                        if found and found[1].upper() in METHODS:
                            return found[1].upper()
                        if _is_item(line):
                            break
                position -= 1
        position = index + 1
        while position < len(lines) and position - index <= SIBLING_REACH:
            line = lines[position]
            if line.strip():
                indent = _indent(line)
                if indent < own or (indent == own and _is_item(line)):
                    break
                if indent == own:
                    found = _SIBLING.match(line)
                    if found and found[1].upper() in METHODS:
                        return found[1].upper()
            position += 1
        return None

    # ------------------------------------------------------------------ variables

    def uses(self, start: int) -> list[tuple[int, int]]:
        """Where the variable this string is assigned to is used later: (start, end) offsets."""
        line_start = self.text.rfind("\n", 0, start) + 1
        assigned = _ASSIGNMENT.search(self.text[line_start:start])
        if assigned is None:
            return []
        name = assigned[1]
        if self.language == "shell":
            pattern = re.compile(rf"\$\{{{re.escape(name)}\}}|\${re.escape(name)}(?![\w])")
        else:
            pattern = re.compile(rf"(?<![\w$.]){re.escape(name)}(?![\w$])(?!\s*(?::=|=(?!=)))")
        line_end = self.text.find("\n", start)
        found = []
        # A variable lives in its block: a name in another function is another variable.
        block = self.enclosing(start)
        while block is not None and self.text[block[0]] != "{":
            block = self.enclosing(block[0])
        stop = block[1] if block is not None else len(self.text)
        for use in pattern.finditer(self.text, line_end if line_end != -1 else len(self.text), stop):
            found.append((use.start(), use.end()))
            if len(found) >= MAX_USES:
                break
        return found


_NAME_START = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_$")


def _skip_space(text: str, low: int, end: int) -> int:
    while end > low and text[end - 1].isspace():
        end -= 1
    return end


def call_name(text: str, low: int, end: int) -> str:
    """The name of the call whose ``(`` is at ``end``: what ``_CALL_NAME`` finds in
    ``text[low:end]`` (an identifier, then optional type arguments ``<T>`` and ``?.``), read
    backwards from the bracket. The regex tried every start position of the 200 characters
    before each call: 60% of a scan of a file of 120,000 calls."""
    end = _skip_space(text, low, end)
    if text[max(low, end - 2) : end] == "?.":
        end = _skip_space(text, low, end - 2)
    if end > low and text[end - 1] == ">":
        opening = text.rfind("<", low, end - 1)
        inside = text[opening + 1 : end - 1]
        if opening != -1 and not any(char in inside for char in "<>()"):
            end = _skip_space(text, low, opening)
    start = end
    while start > low and (text[start - 1].isalnum() or text[start - 1] in "_$"):
        start -= 1
    # A name starts with an ASCII letter, _ or $ (what the pattern said); the rest of the run
    # may be any word character.
    while start < end and text[start] not in _NAME_START:
        start += 1
    return text[start:end]


def _shallow(span: str, levels: int) -> str:
    """``span`` (a bracket group, opener included) with what is nested more than ``levels``
    deep blanked out, so that searches see only the group's own level."""
    kept = []
    depth = 0
    for char in span:
        if char in "([{":
            depth += 1
        kept.append(char if depth <= levels else " ")
        if char in ")]}":
            depth -= 1
    return "".join(kept)


def _arguments(span: str) -> list[str]:
    """The top-level arguments of a shallow ``(...)`` group."""
    return span[1:].split(",")


@lru_cache(maxsize=512)  # a scan meets many call names; the recent ones repeat
def _definition(name: str) -> re.Pattern[str]:
    """Where a function or method named ``name`` is defined, up to its parameters' end, in Go,
    JavaScript/TypeScript, Java/Kotlin, Python or shell."""
    quoted = re.escape(name)
    return re.compile(
        rf"\bfunc\s*(?:\([^()]*\)\s*)?{quoted}\s*\([^()]*\)"  # Go
        rf"|\b(?:function|def|fun)\s+{quoted}\s*\([^()]*\)"  # JS, Python, Kotlin
        rf"|^[ \t]*(?:(?:public|private|protected|static|final|async|override)\s+)*"
        rf"(?:[\w<>\[\],.?]+\s+)?{quoted}\s*\([^()]*\)\s*(?::\s*[^{{;=]+)?(?:throws\s+[\w., ]+)?(?=\s*\{{)",
        re.MULTILINE,
    )


# An HTTP client's verb method inside a wrapper's body; other receivers' ``.get(`` (a map, a
# config) say nothing about a request.
_CALLED_VERB = re.compile(
    r"\b(?:axios|https?|[A-Za-z]*[Cc]lient|session|requests|got|ky|superagent|restTemplate|\$http)\s*"
    r"\.\s*(get|post|put|delete|patch|head|Get|Post|Put|Delete|Patch|Head)\s*(?:<[^<>()]*>)?\("
)


def _indent(line: str) -> int:
    """Where a YAML line's content starts (after a ``- `` list marker)."""
    found = re.match(r"^(\s*)(-\s+)?", line)
    return len(found[0]) if found else 0


def _is_item(line: str) -> bool:
    return re.match(r"^\s*-\s+", line) is not None


_CONCATENATED = re.compile(r"[\"'`]\s*\+\s*[A-Za-z_$(]")


def scan_text(text: str, language: str) -> list[TextFinding]:
    document = _Text(text, language)
    found: list[TextFinding] = []
    for found_path in find_paths(text):
        path = found_path.path
        if text[found_path.end - 1 : found_path.end] == "/" and _CONCATENATED.match(text, found_path.end):
            # "/details/" + orderId: the id is the next segment.
            path = path + "/" + PARAM
        paths = _choices(text[found_path.start : found_path.end]) or (path,)
        found.extend(_located(document, paths, found_path.start, found_path.end, found_path.method))
    if names_bss(text):
        # A wrapper completes "accounts/customer-accounts/balances" with its version.
        for literal in RELATIVE_LITERAL.finditer(text):
            raw = literal["path"]
            if _VERSIONED.match(raw):
                continue  # an absolute path, found above
            completed = complete_relative(raw)
            if completed:
                found.extend(_located(document, completed, literal.start("path"), literal.end("path"), None))
    return found


_VERSIONED = re.compile(r"/v\d")
# A template hole that is one of two strings: `${frozen ? "freeze" : "unfreeze"}`.
_TERNARY = re.compile(r"\$\{[^{}?`\n]{1,100}\?\s*([\"'])([\w.\-]+)\1\s*:\s*([\"'])([\w.\-]+)\3\s*\}")


def _choices(raw: str) -> tuple[str, ...]:
    """The paths a path text with two-way holes stands for, each hole each of its values; ()
    when it has none (or too many to spell out: it is read with holes then)."""
    holes = list(_TERNARY.finditer(raw))
    if not holes or len(holes) > 4:
        return ()
    texts = [""]
    position = 0
    for hole in holes:
        texts = [
            text + raw[position : hole.start()] + value for text in texts for value in (hole[2], hole[4])
        ]
        position = hole.end()
    return tuple(dict.fromkeys(found.path for text in texts for found in find_paths(text + raw[position:])))


def _located(
    document: _Text, paths: tuple[str, ...], start: int, end: int, stated: str | None
) -> list[TextFinding]:
    """The findings for a string at ``start:end`` naming ``paths``: at the string with the method
    stated around it, else at each later use of the variable it is bound to that states one,
    else at the string with no method."""
    method = stated or document.method_at(start, end)
    if method is None:
        through = [
            (document.method_at(use_start, use_end), use_start) for use_start, use_end in document.uses(start)
        ]
        known = [(found, offset) for found, offset in through if found]
        if known:
            return [
                TextFinding(found, path, *document.position(offset))
                for found, offset in known
                for path in paths
            ]
    return [TextFinding(method, path, *document.position(start)) for path in paths]
