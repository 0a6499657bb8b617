"""Command groups whose commands take each single-value option once."""

from __future__ import annotations

import click


class SingleValueGroup(click.Group):
    """A group that refuses a single-value option given twice to one of its commands.

    click keeps the last value silently, so ``--apis a --apis b`` would check ``b`` alone and
    say nothing of ``a``. Options meant to repeat (``-g``, ``--fail-on``) are declared
    ``multiple`` and may repeat; flags may too.
    """

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if command is not None and not isinstance(command, click.Group):
            refuse_repeated_options(command, rest, ctx)
        return name, command, rest


def refuse_repeated_options(command: click.Command, args: list[str], ctx: click.Context) -> None:
    single: dict[str, click.Option] = {}
    for param in command.params:
        if isinstance(param, click.Option) and not (param.multiple or param.is_flag or param.count):
            for name in (*param.opts, *param.secondary_opts):
                single[name] = param
    seen: dict[str, str] = {}  # parameter name -> the spelling first used
    index = 0
    while index < len(args):
        token = args[index]
        index += 1
        if token == "--":
            break  # the rest are arguments
        if token.startswith("--"):
            name = token.split("=", 1)[0]
        elif token.startswith("-") and len(token) > 1:
            name = token[:2]  # -o FILE or -oFILE
        else:
            continue
        option = single.get(name)
        if option is None:
            continue
        if token == name:
            index += 1  # its value is the next word, whatever it looks like
        key = option.name or name
        if key in seen:
            first = seen[key]
            given = f"{name} is given twice" if first == name else f"{first} and {name} are one option"
            raise click.UsageError(f"{given}: give it once (click would silently keep the last)", ctx)
        seen[key] = name
