"""``@record`` against ``@dataclass(frozen=True)``: the same class bodies, the same behaviour.

Every shape below is declared twice from one function, once with each decorator, so both
classes have the same qualified name and every repr and error message can be compared as text.
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any, Generic, TypeVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from permtable import records

T = TypeVar("T")

STDLIB = (dataclasses.dataclass(frozen=True), dataclasses.field, dataclasses.replace)
OURS = (records.record, records.field, records.replace)


def shapes(decorate: Any, field: Any) -> dict[str, type]:
    @decorate
    class Plain:
        a: int
        b: str

    @decorate
    class Defaults:
        a: int
        b: int = 2
        c: tuple[int, ...] = ()

    @decorate
    class Options:
        a: int
        note: dict[str, int] | None = field(default=None, compare=False, hash=False)
        secret: str = field(default="x", repr=False)
        looked_at: int = field(default=0, hash=False)

    @decorate
    class Factory:
        a: int
        items: list[int] = field(default_factory=list)

    @decorate
    class Derived:
        a: int
        cache: dict[str, int] = field(default_factory=dict, init=False, repr=False, compare=False)
        fixed: str = field(default="f", init=False)

        def __post_init__(self) -> None:
            self.cache["a"] = self.a  # a mutable field's contents, as frozen dataclasses allow

    @decorate
    class Empty:
        pass

    @decorate
    class Box(Generic[T]):
        item: T
        label: str = ""

    @decorate
    class OwnHash:
        a: int

        def __hash__(self) -> int:
            return 7

    return {cls.__name__: cls for cls in (Plain, Defaults, Options, Factory, Derived, Empty, Box, OwnHash)}


STD_SHAPES = shapes(STDLIB[0], STDLIB[1])
OUR_SHAPES = shapes(OURS[0], OURS[1])


def outcome(call: Any) -> tuple[str, str]:
    """What a call gave, as comparable text: the repr of its result, or its error."""
    try:
        return ("ok", repr(call()))
    except Exception as error:  # both sides must fail the same way
        kind = "AttributeError" if isinstance(error, AttributeError) else type(error).__name__
        return (kind, str(error))


CALLS: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
    ("Plain", (1, "x"), {}),
    ("Plain", (1,), {"b": "x"}),
    ("Plain", (), {"b": "x", "a": 1}),
    ("Plain", (1,), {}),
    ("Plain", (), {}),
    ("Plain", (1, "x", 3), {}),
    ("Plain", (1, "x"), {"a": 2}),
    ("Plain", (1, "x"), {"zz": 2}),
    ("Defaults", (1,), {}),
    ("Defaults", (1, 5), {}),
    ("Defaults", (1, 5, (6,)), {}),
    ("Defaults", (1, 5, (6,), 7), {}),
    ("Defaults", (), {"c": (1,), "a": 3}),
    ("Defaults", (), {"b": 3}),
    ("Options", (1,), {}),
    ("Options", (1, {"n": 1}, "s", 4), {}),
    ("Options", (1,), {"secret": "hidden"}),
    ("Factory", (1,), {}),
    ("Factory", (1, [2]), {}),
    ("Derived", (1,), {}),
    ("Derived", (1,), {"cache": {}}),
    ("Derived", (1, {}), {}),
    ("Empty", (), {}),
    ("Empty", (1,), {}),
    ("Empty", (), {"a": 1}),
    ("Box", ("thing",), {}),
    ("Box", (), {"label": "l"}),
    ("OwnHash", (1,), {}),
]


@pytest.mark.parametrize(("shape", "args", "kwargs"), CALLS)
def test_construction_matches_frozen_dataclasses(shape, args, kwargs):
    expected = outcome(lambda: STD_SHAPES[shape](*args, **kwargs))
    assert outcome(lambda: OUR_SHAPES[shape](*args, **kwargs)) == expected


NAMES = st.sampled_from(["a", "b", "c", "zz"])
VALUES = st.one_of(st.integers(), st.text(max_size=3), st.tuples(st.integers()))


@settings(max_examples=300, deadline=None)
@given(
    shape=st.sampled_from(["Plain", "Defaults", "Options", "Factory", "Empty"]),
    args=st.lists(VALUES, max_size=5),
    kwargs=st.dictionaries(NAMES, VALUES, max_size=4),
)
def test_any_call_matches_frozen_dataclasses(shape, args, kwargs):
    expected = outcome(lambda: STD_SHAPES[shape](*args, **kwargs))
    assert outcome(lambda: OUR_SHAPES[shape](*args, **kwargs)) == expected


@pytest.mark.parametrize("shape", ["Plain", "Defaults", "Options", "Factory", "Derived", "Box", "OwnHash"])
def test_equality_hashing_and_matching_match(shape):
    args = {"Plain": (1, "x"), "Box": ("thing",)}.get(shape, (1,))
    std_cls, our_cls = STD_SHAPES[shape], OUR_SHAPES[shape]
    std_a, std_b = std_cls(*args), std_cls(*args)
    our_a, our_b = our_cls(*args), our_cls(*args)
    assert (our_a == our_b) == (std_a == std_b) is True
    assert (our_a != our_b) == (std_a != std_b) is False
    assert outcome(lambda: hash(our_a)) == outcome(lambda: hash(std_a))  # a list field: unhashable
    assert (our_a == args) == (std_a == args) is False  # another type never compares equal
    assert our_cls.__match_args__ == std_cls.__match_args__
    assert copy.copy(our_a) == our_a and copy.deepcopy(our_a) == our_a
    assert repr(copy.deepcopy(our_a)) == repr(std_a)


def test_fields_left_out_of_comparison_and_hash():
    for shapes_of in (STD_SHAPES, OUR_SHAPES):
        options = shapes_of["Options"]
        one, other = options(1, {"n": 1}), options(1, {"n": 2})
        assert one == other and hash(one) == hash(other)
        looked = options(1, looked_at=3)
        assert looked != options(1) and hash(looked) == hash(options(1))


@pytest.mark.parametrize("shape", ["Plain", "Derived", "Empty", "Box"])
@pytest.mark.parametrize("action", ["assign field", "assign new", "delete field", "delete new"])
def test_instances_are_frozen_like_dataclasses(shape, action):
    args = {"Plain": (1, "x"), "Box": ("thing",), "Empty": ()}.get(shape, (1,))

    def act(instance: Any) -> Any:
        name = "a" if "field" in action else "other"
        if action.startswith("assign"):
            setattr(instance, name, 9)
        else:
            delattr(instance, name)

    expected = outcome(lambda: act(STD_SHAPES[shape](*args)))
    assert expected[0] == "AttributeError"
    assert outcome(lambda: act(OUR_SHAPES[shape](*args))) == expected


@pytest.mark.parametrize(
    ("shape", "args", "changes"),
    [
        ("Defaults", (1,), {"b": 9}),
        ("Defaults", (1,), {}),
        ("Options", (1, {"n": 1}), {"secret": "s"}),
        ("Derived", (1,), {"a": 4}),
        ("Derived", (1,), {"fixed": "no"}),
        ("Plain", (1, "x"), {"zz": 1}),
    ],
)
def test_replace_matches_dataclasses_replace(shape, args, changes):
    expected = outcome(lambda: STDLIB[2](STD_SHAPES[shape](*args), **changes))
    assert outcome(lambda: OURS[2](OUR_SHAPES[shape](*args), **changes)) == expected


def test_the_post_init_hook_and_factories_run_per_instance():
    derived = OUR_SHAPES["Derived"]
    one, other = derived(1), derived(2)
    assert one.cache == {"a": 1} and other.cache == {"a": 2} and one.cache is not other.cache
    assert one.fixed == "f"
    factory = OUR_SHAPES["Factory"]
    assert factory(1).items is not factory(1).items


def declare(decorate: Any, field: Any, body: str) -> Any:
    """A class statement run for its error, with a decorator and field() in scope."""
    code = f"@decorate\nclass Broken:\n{body}"
    return outcome(lambda: exec(code, {"decorate": decorate, "field": field}))


@pytest.mark.parametrize(
    "body",
    [
        "    a: int = 1\n    b: int\n",  # a field without a default after one with
        "    a: list = []\n",  # a mutable default
        "    a: dict = field(default_factory=dict, default={})\n",
    ],
    ids=["order", "mutable-default", "both-defaults"],
)
def test_declaration_errors_match(body):
    expected = declare(STDLIB[0], STDLIB[1], body)
    assert expected[0] != "ok"
    assert declare(OURS[0], OURS[1], body) == expected


@pytest.mark.parametrize(
    "body",
    [
        "    a: ClassVar[int] = 1\n",
        "    a: int\n    def __eq__(self, other):\n        return True\n",
        "    __slots__ = ('a',)\n    a: int\n",
    ],
    ids=["classvar", "own-eq", "slots"],
)
def test_what_records_do_not_support_is_refused(body):
    kind, message = declare(OURS[0], OURS[1], body)
    assert kind == "TypeError" and "record" in message


def test_a_record_cannot_inherit_from_a_record():
    base = OUR_SHAPES["Plain"]
    with pytest.raises(TypeError, match="cannot inherit"):
        records.record(type("Child", (base,), {"__annotations__": {"c": "int"}}))


def test_the_library_declares_its_value_types_as_records():
    """A frozen dataclass would bring back the compile-at-import cost (README, Performance)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(root))
        for package in ("permtable", "cli")
        for path in (root / package).rglob("*.py")
        if "@dataclass(frozen=True)" in path.read_text("utf-8") and path.name != "records.py"
    ]
    assert offenders == []
