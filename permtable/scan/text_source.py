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
from dataclasses import dataclass, replace

from permtable.apis import METHODS
from permtable.scan.paths import PARAM, find_paths

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
_JAVA_CLASS = re.compile(r"Http(Get|Post|Put|Delete|Patch|Head|Options)")
_CHAINED = re.compile(r"\)\s*\.\s*(GET|POST|PUT|DELETE|PATCH|HEAD|get|post|put|delete|patch|head)\s*\(")
_ASSIGNMENT = re.compile(
    r"(?:^\s*|[;{(]\s*)(?:export\s+)?(?:(?:const|let|var|val|final|static|private|public|protected|String|str)\s+)*"
    r"([A-Za-z_$][\w$]*)\s*(?::=|=(?!=))\s*[^=]*$"
)
_SIBLING = re.compile(r"^\s*(?:-\s+)?[\"']?method[\"']?\s*:\s*[\"']?([A-Za-z]+)")
_VERBS = {verb.lower(): verb for verb in METHODS}
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
        when a ``;`` ends the statement first. Looks at most SCAN_BACK characters back."""
        pairs = {")": "(", "]": "[", "}": "{"}
        depth: list[str] = []
        limit = max(0, offset - SCAN_BACK)
        marks = [match.start() for match in _BRACKETS.finditer(self.text, limit, offset)]
        for position in reversed(marks):
            char = self.text[position]
            if char in pairs:
                depth.append(char)
            elif char == ";":
                if not depth:
                    return None
            elif depth:
                depth.pop()
            else:
                return position, self._closer(position)
        return None

    def _closer(self, opener: int) -> int:
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
        opener, closer = group
        span = self.text[opener:closer]
        key = _METHOD_KEY.search(span)
        if key and key[1].upper() in METHODS:
            return key[1].upper()
        if self.text[opener] != "(":
            return None
        quoted = {
            next(word for word in found.groups() if word).upper() for found in _QUOTED_METHOD.finditer(span)
        }
        if len(quoted) == 1:
            return quoted.pop()
        name_match = _CALL_NAME.search(self.text, max(0, opener - 200), opener)
        name = name_match[1] if name_match else ""
        if name.lower() in _VERBS and name in (name.lower(), name.capitalize(), name.upper()):
            return _VERBS[name.lower()]
        java = _JAVA_CLASS.fullmatch(name)
        if java:
            return java[1].upper()
        if name == "fetch" and key is None and self._fetch_has_no_options(end, closer):
            return "GET"  # fetch's default method
        return None

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
        for use in pattern.finditer(self.text, line_end if line_end != -1 else len(self.text)):
            found.append((use.start(), use.end()))
            if len(found) >= MAX_USES:
                break
        return found


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
        path = found_path
        if text[path.end - 1 : path.end] == "/" and _CONCATENATED.match(text, path.end):
            # "/details/" + orderId: the id is the next segment.
            path = replace(path, path=path.path + "/" + PARAM)
        method = path.method or document.method_at(path.start, path.end)
        if method is None:
            through = [
                (document.method_at(use_start, use_end), use_start)
                for use_start, use_end in document.uses(path.start)
            ]
            through = [(method, offset) for method, offset in through if method]
            if through:
                for method, offset in through:
                    found.append(TextFinding(method, path.path, *document.position(offset)))
                continue
        found.append(TextFinding(method, path.path, *document.position(path.start)))
    return found
