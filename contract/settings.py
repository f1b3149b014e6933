"""Reading numbers from the environment, the same way on both sides (backend, Rasa's channels,
the action server): a clear message naming the variable when a value is not a number or out of
range, instead of a bare ValueError from int() deep in a start-up."""
from __future__ import annotations

from typing import Mapping, Optional, Type, TypeVar, Union

Number = TypeVar("Number", int, float)


def number(
    env: Mapping[str, str],
    name: str,
    default: Number,
    low: Number,
    high: Number,
    *,
    error: Type[Exception] = ValueError,
    unit: str = "",
) -> Number:
    """`env[name]` as the type of `default` (int or float), between `low` and `high`
    inclusive; unset or empty gives `default`. Raises `error` with a message naming `name`."""
    raw: Optional[str] = env.get(name)
    if raw is None or not raw.strip():
        return default
    kind = type(default)
    try:
        value: Union[int, float] = kind(raw.strip())
    except ValueError:
        what = "a whole number" if kind is int else "a number"
        raise error(f"{name} must be {what}{unit}, not {raw!r}") from None
    if not low <= value <= high:
        raise error(f"{name} must be between {low} and {high}{unit}, not {value}")
    return value
