"""``@record``: the library's immutable value types, declared exactly like frozen dataclasses.

Why not ``@dataclass(frozen=True)`` itself: for every class it writes the source of
``__init__``, ``__repr__``, ``__eq__``, ``__hash__``, ``__setattr__`` and ``__delattr__`` and
compiles it with ``exec`` while the module is imported: about 3.5 million instructions (0.7 ms)
per class on CPython 3.11. A one-API ``can-call`` imports some 25 value types, so that compiling
was half of bsscheck's own start-up. A record's methods are shared functions that read the
class's field list, so declaring one costs a few microseconds. The class bodies stay those of
dataclasses (annotations, defaults, ``field(...)``) and type checkers treat records as frozen
dataclasses (PEP 681 ``dataclass_transform``).

What a record does, as ``@dataclass(frozen=True)`` does: ``__init__`` takes the fields in order,
positionally or by keyword, with defaults and default factories; ``field()`` takes ``default``,
``default_factory``, ``init``, ``repr``, ``compare`` and ``hash``; ``__repr__``, ``__eq__`` (same
class, compared fields), ``__hash__`` (hashed fields), ``__match_args__``, a ``__post_init__``
hook, and assignment or deletion refused with an ``AttributeError``; ``replace`` does what
``dataclasses.replace`` does. ``tests/permtable/test_records.py`` checks all of it side by side
with the standard library, error messages included.

Refused rather than half supported (no type of ours needs them): inheriting from a record or a
dataclass, ``ClassVar`` and ``InitVar`` fields, keyword-only fields, ``__slots__``.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from typing_extensions import dataclass_transform
else:

    def dataclass_transform(**_options: object) -> Callable[[Any], Any]:
        return lambda decorated: decorated


T = TypeVar("T")


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()

_UNSUPPORTED_ANNOTATIONS = ("ClassVar", "InitVar", "KW_ONLY")


class FrozenRecordError(AttributeError):
    """Raised on assignment to, or deletion of, a record's attribute (``FrozenInstanceError``)."""


class Field:
    """What ``field()`` declares about one field (the ``dataclasses.Field`` options we use)."""

    __slots__ = ("compare", "default", "default_factory", "hash", "init", "repr")

    def __init__(
        self,
        default: Any,
        default_factory: Any,
        init: bool,
        repr: bool,
        compare: bool,
        hash: bool | None,
    ) -> None:
        self.default = default
        self.default_factory = default_factory
        self.init = init
        self.repr = repr
        self.compare = compare
        self.hash = hash


def field(
    *,
    default: Any = MISSING,
    default_factory: Callable[[], Any] | Any = MISSING,
    init: bool = True,
    repr: bool = True,
    compare: bool = True,
    hash: bool | None = None,
) -> Any:
    """Options for one field, as ``dataclasses.field``."""
    if default is not MISSING and default_factory is not MISSING:
        raise ValueError("cannot specify both default and default_factory")
    return Field(default, default_factory, init, repr, compare, hash)


class _Spec:
    """A record class's fields, in the forms its shared methods need."""

    __slots__ = (
        "compared",
        "count",
        "defaults",
        "factories",
        "finishing",
        "hashed",
        "init_names",
        "init_qualname",
        "known",
        "post_init",
        "required",
        "shown",
        "tail",
        "unset_defaults",
        "unset_factories",
    )

    def __init__(self, cls: type, fields: dict[str, Field]) -> None:
        self.init_qualname = f"{cls.__qualname__}.__init__()"  # as Python's own call errors name it
        init = {name: spec for name, spec in fields.items() if spec.init}
        self.init_names = tuple(init)
        self.known = frozenset(init)
        self.count = len(init)
        self.defaults = {name: spec.default for name, spec in init.items() if spec.default is not MISSING}
        self.factories = {
            name: spec.default_factory for name, spec in init.items() if spec.default_factory is not MISSING
        }
        self.required = self.count - len(self.defaults) - len(self.factories)
        # The defaults of the trailing fields, for calls that leave them out positionally (the
        # common case); None when one of them comes from a factory.
        trailing = self.init_names[self.required :]
        self.tail = None if self.factories else tuple(self.defaults[name] for name in trailing)
        # Fields outside __init__ still get their default or factory value, as in a dataclass.
        unset = {name: spec for name, spec in fields.items() if not spec.init}
        self.unset_defaults = {
            name: spec.default for name, spec in unset.items() if spec.default is not MISSING
        }
        self.unset_factories = {
            name: spec.default_factory for name, spec in unset.items() if spec.default_factory is not MISSING
        }
        self.post_init = getattr(cls, "__post_init__", None)
        # Anything to do once the arguments are bound (most records: nothing).
        self.finishing = bool(self.unset_defaults or self.unset_factories or self.post_init)
        self.shown = tuple(name for name, spec in fields.items() if spec.repr)
        self.compared = _key([name for name, spec in fields.items() if spec.compare])
        self.hashed = _key(
            [name for name, spec in fields.items() if (spec.compare if spec.hash is None else spec.hash)]
        )


class _SpecOnFirstUse:
    """Builds a class's ``_Spec`` when it is first needed, then puts it in its place.

    A run imports many more value types than it creates (the reports of other commands, the
    customer policy types in a partner check), so those never pay for one.
    """

    __slots__ = ("fields",)

    def __init__(self, fields: dict[str, Field]) -> None:
        self.fields = fields

    def __get__(self, instance: object, owner: type) -> _Spec:
        spec = _Spec(owner, self.fields)
        type.__setattr__(owner, "__record_spec__", spec)
        return spec


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def record(cls: type[T]) -> type[T]:
    """Make ``cls`` a frozen value type, as ``@dataclass(frozen=True)`` would."""
    for base in cls.__mro__[1:]:
        if "__record_spec__" in base.__dict__ or "__dataclass_fields__" in base.__dict__:
            raise TypeError(f"{cls.__qualname__}: a record cannot inherit from a record or a dataclass")
    if "__slots__" in cls.__dict__:
        raise TypeError(f"{cls.__qualname__}: a record has no __slots__")
    fields: dict[str, Field] = {}
    seen_default = False
    # The class's own annotations (inspect.get_annotations would cost an import on its own).
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():  # noqa: RUF063
        if str(annotation).split("[", 1)[0].rsplit(".", 1)[-1] in _UNSUPPORTED_ANNOTATIONS:
            raise TypeError(f"{cls.__qualname__}.{name}: a record has no ClassVar, InitVar or KW_ONLY fields")
        value = cls.__dict__.get(name, MISSING)
        spec = value if isinstance(value, Field) else Field(value, MISSING, True, True, True, None)
        if type(spec.default).__hash__ is None:  # the standard library's test for a mutable default
            raise ValueError(
                f"mutable default {type(spec.default)} for field {name} is not allowed: use default_factory"
            )
        if isinstance(value, Field):
            # As a dataclass does: the class attribute becomes the default, or goes.
            if spec.default is MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, spec.default)
        if spec.init:
            if spec.default is not MISSING or spec.default_factory is not MISSING:
                seen_default = True
            elif seen_default:
                raise TypeError(f"non-default argument {name!r} follows default argument")
        fields[name] = spec
    for name in _METHODS:
        if name in cls.__dict__ and name != "__hash__":
            raise TypeError(f"{cls.__qualname__}: a record writes {name} itself")
    attributes: dict[str, Any] = {
        "__record_spec__": _SpecOnFirstUse(fields),
        "__record_fields__": tuple(fields),
        "__match_args__": tuple(name for name, spec in fields.items() if spec.init),
        **_METHODS,
    }
    if "__hash__" in cls.__dict__:
        del attributes["__hash__"]  # written by the class itself: kept, as a dataclass keeps it
    for name, value in attributes.items():
        setattr(cls, name, value)
    return cls


def replace(obj: T, /, **changes: Any) -> T:
    """A copy of a record with some fields changed (``dataclasses.replace``)."""
    spec: _Spec = type(obj).__record_spec__  # type: ignore[attr-defined]
    for name in type(obj).__record_fields__:  # type: ignore[attr-defined]
        if name not in spec.known:
            if name in changes:
                raise ValueError(
                    f"field {name} is declared with init=False, it cannot be specified with replace()"
                )
        elif name not in changes:
            changes[name] = getattr(obj, name)
    return type(obj)(**changes)


# --------------------------------------------------------------------------- the shared methods


def _init(self: Any, *args: Any, **kwargs: Any) -> None:
    spec: _Spec = self.__record_spec__
    values = self.__dict__  # written directly: __setattr__ refuses, as in a frozen dataclass
    positional = len(args)
    if kwargs:
        _bind(spec, values, args, kwargs)
    elif positional == spec.count:
        values.update(zip(spec.init_names, args, strict=True))
    elif spec.required <= positional < spec.count and spec.tail is not None:
        names = spec.init_names
        values.update(zip(names, args, strict=False))
        values.update(zip(names[positional:], spec.tail[positional - spec.required :], strict=True))
    else:
        _bind(spec, values, args, kwargs)
    if spec.finishing:
        if spec.unset_defaults:
            values.update(spec.unset_defaults)
        for name, factory in spec.unset_factories.items():
            values[name] = factory()
        if spec.post_init is not None:
            spec.post_init(self)


def _bind(spec: _Spec, values: dict[str, Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Arguments given by keyword or left to their defaults, checked as Python checks a call."""
    names = spec.init_names
    positional = len(args)
    keywords = kwargs.keys()
    if (
        positional > spec.count
        or not keywords <= spec.known
        or (positional and not keywords.isdisjoint(names[:positional]))
    ):
        raise TypeError(_call_error(spec, positional, kwargs))
    values.update(zip(names, args, strict=False))
    values.update(kwargs)
    if len(values) < spec.count:
        for name, default in spec.defaults.items():
            if name not in values:
                values[name] = default
        for name, factory in spec.factories.items():
            if name not in values:
                values[name] = factory()
        if len(values) < spec.count:
            missing = [name for name in names if name not in values]
            plural = "s" if len(missing) > 1 else ""
            raise TypeError(
                f"{spec.init_qualname} missing {len(missing)} required positional argument{plural}: "
                f"{_listed(missing)}"
            )


def _call_error(spec: _Spec, positional: int, kwargs: dict[str, Any]) -> str:
    """What Python says about a call it cannot bind, in CPython's order of checks: keywords
    first (unknown, then given twice), then too many positional arguments."""
    qualname = spec.init_qualname
    filled = spec.init_names[:positional]
    for name in kwargs:
        if name not in spec.known:
            return f"{qualname} got an unexpected keyword argument {name!r}"
        if name in filled:
            return f"{qualname} got multiple values for argument {name!r}"
    least, most = spec.required + 1, spec.count + 1
    takes = f"{most} positional argument" if most == 1 else f"{most} positional arguments"
    if least != most:
        takes = f"from {least} to {most} positional arguments"
    return f"{qualname} takes {takes} but {positional + 1} were given"


def _listed(names: list[str]) -> str:
    """Python's own wording: 'a'; 'a' and 'b'; 'a', 'b', and 'c'."""
    quoted = [repr(name) for name in names]
    if len(quoted) <= 2:
        return " and ".join(quoted)
    return ", ".join(quoted[:-1]) + ", and " + quoted[-1]


def _repr(self: Any) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__record_spec__.shown)
    return f"{self.__class__.__qualname__}({shown})"


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is self.__class__:
        key = self.__record_spec__.compared
        return key(self) == key(other)
    return NotImplemented


def _hash(self: Any) -> int:
    return hash(self.__record_spec__.hashed(self))


def _setattr(self: Any, name: str, value: Any) -> None:
    raise FrozenRecordError(f"cannot assign to field {name!r}")


def _delattr(self: Any, name: str) -> None:
    raise FrozenRecordError(f"cannot delete field {name!r}")


def _key(names: list[str]) -> Callable[[Any], tuple[Any, ...]]:
    """The tuple of ``names`` of an instance: what a dataclass compares and hashes."""
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        single = attrgetter(names[0])
        return lambda instance: (single(instance),)
    return lambda instance: ()


_METHODS: dict[str, Callable[..., Any]] = {
    "__init__": _init,
    "__repr__": _repr,
    "__eq__": _eq,
    "__hash__": _hash,
    "__setattr__": _setattr,
    "__delattr__": _delattr,
}
