"""permtable.documents: strict, positioned reading of YAML and JSON files."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import tracemalloc
from pathlib import PurePosixPath

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pt_helpers import check_input_error, stacked_aliases, write_text

from permtable import documents
from permtable.documents import MAX_NODES, load_document, parse_document
from permtable.errors import InputError, Location
from permtable.files import beside, file_stem, read_text


def parse_error(text: str, name: str = "doc.yaml", json_syntax: bool = False) -> InputError:
    with pytest.raises(InputError) as caught:
        parse_document(text, name, json_syntax=json_syntax)
    check_input_error(caught.value, name)
    return caught.value


def test_positions_are_kept():
    root = parse_document("a:\n  - x\n  - {b: 1}\n", "doc.yaml")
    assert root.is_map
    items = root.get("a")
    assert items.is_seq
    assert items.value[0].location == Location("doc.yaml", 2, 5)
    assert items.value[1].get("b").kind == "int" and items.value[1].get("b").value == 1
    assert root.plain() == {"a": ["x", {"b": 1}]}


@pytest.mark.parametrize(
    ("scalar", "kind"),
    [
        ("no", "bool"),
        ("yes", "bool"),
        ("on", "bool"),
        ("~", "null"),
        ("1.1", "float"),
        ("0x10", "int"),
        ("2023-06-14", "other"),
        ('"no"', "str"),
        ("bss:order:view", "str"),
    ],
)
def test_scalar_kinds_keep_yaml_11_surprises_visible(scalar, kind):
    assert parse_document(f"a: {scalar}\n", "doc.yaml").get("a").kind == kind


def test_json_unquoted_values_are_never_strings():
    root = parse_document('{"a": 1e5, "b": "1e5", "c": true}', "doc.json", json_syntax=True)
    assert root.get("a").kind != "str"
    assert root.get("b").kind == "str"
    assert root.get("c").kind == "bool"


def test_duplicate_keys_name_both_lines():
    error = parse_error("type: partner\nroles: []\ntype: customer\n")
    assert error.message == "duplicate key 'type' (first at line 1)"
    assert error.location == Location("doc.yaml", 3, 1)


def test_duplicate_keys_in_json():
    error = parse_error('{\n  "Version": "1.1",\n  "Version": "1.0"\n}', "p.json", json_syntax=True)
    assert "duplicate key 'Version' (first at line 2)" in error.message
    assert error.location.line == 3


@pytest.mark.parametrize(
    "text",
    [
        "a: !!python/object:os.system ls\n",
        "a: !!python/object/apply:os.system [ls]\n",
        "a: !!python/name:os.system\n",
        "!!python/object/new:dict {}\n",
        "a: !custom x\n",
        "a: !!binary aGk=\n",
        "a: !!set {x}\n",
    ],
)
def test_tags_are_refused(text):
    error = parse_error(text)
    assert "is not allowed" in error.message
    assert error.hint == "only plain YAML values are read; remove the tag"


def test_merge_keys_are_refused():
    error = parse_error("base: &b {x: 1}\nother:\n  <<: *b\n")
    assert "merge keys" in error.message
    assert error.location.line == 3


@pytest.mark.parametrize("text", ["1: x\n", "? [a, b]\n: x\n", "null: x\n", "true: x\n"])
def test_mapping_keys_must_be_strings(text):
    error = parse_error(text)
    assert "must be a string" in error.message
    assert error.hint == "quote the key"


def _billion_laughs(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, levels):
        lines.append(f"a{level}: &a{level} [" + ",".join([f"*a{level - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def bomb_outcome():
    """Parse a 9-level billion-laughs file once; report the error and how many Python function
    calls the refusal took (a deterministic measure of work: no timing)."""
    calls = 0

    def profile(frame, event, arg):
        nonlocal calls
        if event == "call":
            calls += 1

    error = None
    sys.setprofile(profile)
    try:
        parse_document(_billion_laughs(), "bomb.yaml")
    except InputError as caught:
        error = caught
    finally:
        sys.setprofile(None)
    return error, calls


def test_alias_bomb_is_refused_with_input_error(bomb_outcome):
    error, _ = bomb_outcome
    assert error is not None, "a billion-laughs document was accepted"
    assert "alias bomb" in error.message
    assert f"{MAX_NODES:,}" in error.message
    check_input_error(error, "bomb.yaml")


def test_alias_bomb_is_refused_before_expanding_much(bomb_outcome):
    """Refused fast: far less work than reading the bundled customer table (about 10,000 calls).
    The first version expanded one value at a time and took 1,000,000 conversions (about 5 s)
    before refusing; shared alias nodes are now converted once and charged by size."""
    _, calls = bomb_outcome
    assert calls < 50_000


def test_many_aliases_below_the_limit_are_accepted():
    text = 'a: &a ["bss:order:view", "bss:bill:view"]\nb: [' + ", ".join(["*a"] * 1000) + "]\n"
    root = parse_document(text, "ok.yaml")
    assert len(root.get("b").value) == 1000
    assert root.get("b").value[999].plain() == ["bss:order:view", "bss:bill:view"]


def test_aliases_of_small_values_are_fine():
    root = parse_document("x: &x [bss:order:view]\ny: *x\n", "doc.yaml")
    assert root.plain() == {"x": ["bss:order:view"], "y": ["bss:order:view"]}


@pytest.mark.parametrize("json_syntax", [False, True])
def test_deep_nesting_is_refused(json_syntax):
    error = parse_error("[" * 100 + "]" * 100, "deep.json" if json_syntax else "deep.yaml", json_syntax)
    assert "nesting deeper than 64 levels" in error.message


@pytest.mark.parametrize("json_syntax", [False, True])
def test_moderate_nesting_is_accepted(json_syntax):
    assert parse_document("[" * 60 + "]" * 60, "ok", json_syntax).is_seq


def test_deep_block_nesting_is_refused():
    text = "".join("  " * level + "a:\n" for level in range(100)) + "  " * 100 + "b\n"
    error = parse_error(text)
    assert "nesting deeper than 64 levels" in error.message


def test_very_deep_json_is_refused_before_yaml_sees_it():
    error = parse_error("[" * 100_000 + "]" * 100_000, "deep.json", json_syntax=True)
    assert "nesting" in error.message


_BOUNDED_FLOW = "a:\n" + " [\n" * 4000 + " ]\n" * 4000
_BOUNDED_COMPACT = "\n" + "- " * 1022 + "x\n" + "- y\n" * 2000
_BOUNDED_INDENT = "".join(" " * level + "a:\n" for level in range(1020)) + " " * 1020 + "b\n"


@pytest.mark.parametrize("text", [_BOUNDED_FLOW, _BOUNDED_COMPACT, _BOUNDED_INDENT])
def test_the_bounded_deep_texts_are_composed_without_their_events_walked(text):
    assert len(text) > 4096 and documents.nests_within(text, 4096)


@pytest.mark.parametrize(
    "text",
    [
        "roles: " + "[" * 100_000 + "]" * 100_000,  # flow nesting after a key (not sniffed as JSON)
        "- " * 100_000 + "x",  # block sequences
        "a: " + "{a: " * 100_000 + "1" + "}" * 100_000,
        # The longest texts composed without walking their events first (4,096 characters):
        # as deep as such a text can nest, and still refused by the converter, not a crash.
        "a: " + "[" * 2046 + "]" * 2046 + "\n",
        "- " * 2047 + "x\n",
        # Longer texts composed without their events walked, because their characters bound
        # their nesting as low (documents.nests_within, checked below): about as deep as that
        # allows. The compact line starts at offset 1, so it holds no aligned 1,024-character
        # block and may be 2,045 characters long.
        _BOUNDED_FLOW,
        _BOUNDED_COMPACT,
        _BOUNDED_INDENT,
    ],
    ids=["flow-lists", "block-lists", "flow-maps", "short-flow", "short-block", "bounded-flow",
         "bounded-compact", "bounded-indent"],
)  # fmt: skip
def test_extremely_deep_yaml_is_an_input_error_not_a_crash(tmp_path, text):
    path = write_text(tmp_path, "deep.yaml", text)
    code = textwrap.dedent(
        f"""
        from permtable.documents import load_document
        from permtable.errors import InputError
        try:
            load_document({str(path)!r})
        except InputError as error:
            print("InputError:", error)
        """
    )
    # In a child process: the failure mode (libyaml's recursive C composer overflowing the stack,
    # found while writing these tests) is the death of the interpreter, not an exception.
    result = subprocess.run(
        [sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, (result.returncode, result.stderr[-500:])
    assert "InputError: " in result.stdout and "deep.yaml" in result.stdout
    assert "nesting deeper than 64 levels" in result.stdout


def _depth(node: object) -> int:
    """How deep a composed YAML node nests (PyYAML's node objects)."""
    value = getattr(node, "value", None)
    if not isinstance(value, list):
        return 0
    children = [child for item in value for child in (item if isinstance(item, tuple) else (item,))]
    return 1 + max((_depth(child) for child in children), default=0)


_nested = st.recursive(
    st.sampled_from(["x", "bss:order:view", 1, None]),
    lambda inner: (
        st.lists(inner, min_size=1, max_size=3)
        | st.dictionaries(st.sampled_from(["a", "Action", "long key"]), inner, min_size=1, max_size=3)
    ),
    max_leaves=40,
)


@given(_nested, st.sampled_from([None, False, True]), st.integers(2, 9), st.booleans(), st.integers(1, 400))
@settings(max_examples=600)
def test_a_text_said_to_nest_within_a_depth_does(value, flow, indent, compact, levels):
    """Every way PyYAML writes nested values (block, flow, mixed; any indentation; lists that
    are a mapping's value at its key's column or indented): when ``nests_within`` says a text
    nests no deeper than ``levels``, it does not."""
    import yaml

    text = yaml.safe_dump(value, default_flow_style=flow, indent=indent, width=40)
    if compact:  # a list as a mapping's value at its key's column, as people write it
        text = text.replace("\n" + " " * indent + "- ", "\n- ")
    try:
        composed = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return  # the rewrite made it invalid: nothing composes, nothing to bound
    if documents.nests_within(text, levels):
        assert _depth(composed) <= levels, text


@pytest.mark.parametrize(
    "text",
    [
        "- - - - - x\n",  # compact lists, a level every two columns
        "a:\n- b:\n  - c:\n    - d:\n      - e\n",  # lists at their key's column
        "? ? x\n  : y\n: z\n",  # explicit keys
        "- ? - x\n  : - y\n",
        "a: {b: [c, {d: [e]}]}\n",
        "a:\n  b: [\n   [\n    [x]]]\n",
    ],
)
def test_hand_written_forms_nest_within_what_nests_within_says(text):
    import yaml

    depth = _depth(yaml.compose(text, Loader=yaml.SafeLoader))
    assert not documents.nests_within(text, depth - 1)
    assert documents.nests_within(text, 200)  # short lines and few brackets: shallow, and said so


def test_nests_within_reads_three_million_lines_without_a_list_of_them():
    text = "ab\n" * 3_000_000
    tracemalloc.start()
    assert documents.nests_within(text, 4096)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 1024 * 1024, peak  # a list of the lines: 170 MiB
    assert not documents.nests_within("x" * 5000 + "\n" + text, 4096)  # one long line is enough


def test_very_deep_json_file_is_refused(tmp_path):
    path = write_text(tmp_path, "deep.yaml", "[" * 100_000 + "]" * 100_000)
    # Starts with "[": read as JSON, whose parser refuses it by recursion depth, cleanly.
    with pytest.raises(InputError) as caught:
        load_document(path)
    assert "nesting" in caught.value.message


@pytest.mark.parametrize(
    "text",
    [
        "type: partner\nroles:\n\t- name: x\n",
        "a:\n  b: 1\n\tc: 2\n",
        "policies:\n\t- name: P\n",
    ],
)
def test_tabs_get_a_hint(text):
    error = parse_error(text)
    assert error.hint == "indent with spaces, not tabs"
    assert error.message.startswith("invalid YAML: ")
    assert error.location.line == text.count("\n", 0, text.index("\t")) + 1


def test_tabs_in_json_are_whitespace():
    root = parse_document('{\n\t"Version": "1.1",\n\t"Statement": []\n}', "p.json", json_syntax=True)
    assert root.get("Version").location == Location("p.json", 2, 13)


def test_yaml_errors_without_tabs_get_no_tab_hint():
    error = parse_error("a: [1, 2\nb: 3\n")
    assert error.hint is None
    assert error.location.file == "doc.yaml" and error.location.line is not None


@pytest.mark.parametrize(
    "text",
    ['{"a": [1, 2,]}', '{"a": 1,\n}', '{"Statement": [\n  {"Effect": "Allow"},\n  ]\n}'],
)
def test_json_trailing_comma_gets_a_hint(text):
    error = parse_error(text, "p.json", json_syntax=True)
    assert error.message.startswith("invalid JSON: ")
    assert error.hint == "remove the trailing comma"
    assert error.location.line is not None and error.location.column is not None


def _python313_loads(text, *args, **kwargs):
    """json.loads as CPython 3.13 reports a trailing comma: its own message, at the comma."""
    comma = text.rstrip().rstrip("}]").rstrip().rstrip(",")
    position = len(comma)
    assert text[position] == ","
    raise json.JSONDecodeError("Illegal trailing comma before end of object", text, position)


def test_json_trailing_comma_hint_on_python_313(monkeypatch):
    monkeypatch.setattr(documents.json, "loads", _python313_loads)
    error = parse_error('{"a": 1,\n}', "p.json", json_syntax=True)
    assert error.hint == "remove the trailing comma"


@pytest.mark.parametrize(
    "text",
    [
        # a non-BMP character escaped as a surrogate pair (what json.dumps writes by default)
        '{"Version": "1.1", "Statement": [], "Note": "\\ud83d\\ude00"}',
        '{"' + "k" * 1100 + '": 1}',  # a long key (PyYAML's 1024-character simple-key limit)
    ],
    ids=["surrogate-pair-escape", "long-key"],
)
def test_valid_json_is_accepted(text):
    expected = json.loads(text)  # valid JSON, beyond doubt
    root = parse_document(text, "p.json", json_syntax=True)
    assert root.plain() == expected
    assert root.location.file == "p.json"


@pytest.mark.parametrize("depth", [100, 600], ids=["depth-100", "depth-600"])
def test_json_read_without_yaml_keeps_the_depth_limit(depth):
    text = '{"Note": "\\ud83d\\ude00", "Deep": ' + "[" * depth + "]" * depth + "}"
    json.loads(text)
    error = parse_error(text, "p.json", json_syntax=True)
    assert "nesting deeper than" in error.message


def test_nesting_through_aliases_counts_against_the_limit():
    text = "".join(f"x{n}: {item}\n" for n, item in enumerate(stacked_aliases()))
    error = parse_error(text, "stacked.yaml")
    assert "nesting deeper than" in error.message


def test_json_read_without_yaml_still_refuses_duplicate_keys():
    text = '{"Version": "1.1", "Version": "\\ud83d\\ude00"}'
    error = parse_error(text, "p.json", json_syntax=True)
    assert "duplicate key 'Version'" in error.message


@pytest.mark.parametrize("text", ["", "   \n\n", "# only a comment\n", "# a\n\n# b\n"])
def test_empty_documents(text):
    assert parse_error(text, "empty.yaml").message == "file is empty"


# --------------------------------------------------------------------------- files and bytes


def test_utf8_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbftype: partner\n")
    root = load_document(path)
    assert root.get("type").value == "partner"
    assert root.get("type").location.line == 1


def test_utf8_bom_json_is_accepted(tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b'\xef\xbb\xbf{"Version": "1.1"}')
    assert load_document(path).get("Version").value == "1.1"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_is_refused(tmp_path, encoding):
    path = tmp_path / "wide.yaml"
    data = "type: partner\n".encode(encoding)
    if encoding != "utf-16":
        data = ("\ufeff" + "type: partner\n").encode(encoding)
    path.write_bytes(data)
    with pytest.raises(InputError) as caught:
        load_document(path)
    assert "UTF-16" in caught.value.message
    assert caught.value.hint == "save it as UTF-8"
    check_input_error(caught.value, "wide.yaml")


def test_utf16_without_bom_is_named_as_utf16(tmp_path):
    path = tmp_path / "wide.yaml"
    path.write_bytes("type: partner\n".encode("utf-16-le"))
    with pytest.raises(InputError) as caught:
        load_document(path)
    assert "UTF-16" in caught.value.message
    assert caught.value.hint == "save it as UTF-8"
    check_input_error(caught.value, "wide.yaml")


def test_nul_bytes_are_refused(tmp_path):
    path = tmp_path / "nul.yaml"
    path.write_bytes(b"type: partner\nroles: []\x00\n")
    with pytest.raises(InputError) as caught:
        load_document(path)
    assert "NUL bytes" in caught.value.message
    check_input_error(caught.value, "nul.yaml")


def test_invalid_utf8_names_the_line(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("type: partner\naccount: café\n".encode("latin-1"))
    with pytest.raises(InputError) as caught:
        load_document(path)
    assert caught.value.location.line == 2
    assert "0xe9" in caught.value.message
    check_input_error(caught.value, "latin1.yaml")


def test_directory(tmp_path):
    target = tmp_path / "grants.d"
    target.mkdir()
    with pytest.raises(InputError) as caught:
        load_document(target)
    assert caught.value.message == "is a directory, not a file"
    check_input_error(caught.value, "grants.d")


def test_missing_file(tmp_path):
    with pytest.raises(InputError) as caught:
        load_document(tmp_path / "nowhere.yaml")
    assert caught.value.message == "no such file"
    check_input_error(caught.value, "nowhere.yaml")


def test_size_limit(tmp_path):
    path = write_text(tmp_path, "big.yaml", "a: " + "x" * 200 + "\n")
    assert read_text(path, max_bytes=204) == "a: " + "x" * 200 + "\n"
    with pytest.raises(InputError) as caught:
        read_text(path, max_bytes=100)
    assert "larger than the 100-byte limit" in caught.value.message
    check_input_error(caught.value, "big.yaml")


def test_read_text_label_names_the_file(tmp_path):
    with pytest.raises(InputError) as caught:
        read_text(tmp_path / "x.txt", label="apis.txt")
    assert str(caught.value).startswith("apis.txt: ")


def test_json_is_detected_by_name_or_first_character(tmp_path):
    named = write_text(tmp_path, "policy.json", '{"a": [1,]}')
    with pytest.raises(InputError) as caught:
        load_document(named)
    assert caught.value.message.startswith("invalid JSON")
    sniffed = write_text(tmp_path, "policy.txt", '  {"a": [1,]}')
    with pytest.raises(InputError) as caught:
        load_document(sniffed)
    assert caught.value.message.startswith("invalid JSON")


# --------------------------------------------------------------------------- paths without pathlib

_PATH_TEXT = st.text(alphabet="/.ab", max_size=10)


@pytest.mark.skipif(sys.platform == "win32", reason="the helpers defer to pathlib on Windows")
@settings(max_examples=2000, deadline=None)
@given(_PATH_TEXT, _PATH_TEXT)
def test_beside_and_file_stem_name_paths_as_pathlib_does(file, relative):
    # Messages name a policy file as str(Path(grants).parent / relative) always did.
    assert beside(file, relative) == str(PurePosixPath(file).parent / relative)
    assert file_stem(file) == PurePosixPath(file).stem


@pytest.mark.parametrize(
    ("file", "relative", "expected"),
    [
        ("samples/customer-grants.yaml", "customer-policy.json", "samples/customer-policy.json"),
        ("grants.yaml", "p.json", "p.json"),
        ("./team//grants.yaml", "./policies/p.json", "team/policies/p.json"),
        ("a/grants.yaml", "/etc/p.json", "/etc/p.json"),
        ("a/../grants.yaml", "p.json", "a/../p.json"),
    ],
)
def test_beside_examples(file, relative, expected):
    assert beside(file, relative) == expected


def test_an_empty_file_name_reads_as_the_current_directory():
    with pytest.raises(InputError, match="is a directory, not a file"):
        read_text("")
