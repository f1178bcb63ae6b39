"""`bench --help` and `bench COMMAND --help`, written from the command table and the options dataclasses
that parse the arguments (cli/options.py): a key cannot be parsed without being shown, nor the reverse."""

from __future__ import annotations

from cli.options import Command, Key, keys

GRAMMAR = ("values use Hydra's override grammar: key=value, dotted keys (trainer.lr=3e-4), null, true/false, "
           "[a,b], quoted strings")
PROFILES = "profiles: smoke (seconds), default (the leaderboard's CPU numbers), full (GPU scale)"
USAGE_WIDTH = 34  # the column where a command's summary starts in `bench --help`


def overview(commands: dict[str, Command]) -> str:
    """`bench --help`: every command with its arguments and what it does."""
    lines = ["usage: bench COMMAND [key=value ...]", "", "commands:"]
    for cmd in commands.values():
        head = f"  {cmd.name} {cmd.usage}".rstrip()
        if len(head) < USAGE_WIDTH:
            lines.append(f"{head:<{USAGE_WIDTH}}{cmd.summary}")
        else:
            lines += [head, " " * USAGE_WIDTH + cmd.summary]
    lines += ["", "bench COMMAND --help lists the command's keys with their types, defaults and meanings",
              GRAMMAR, PROFILES]
    return "\n".join(lines)


def command_help(cmd: Command, args: list[str]) -> str:
    """`bench COMMAND --help`: usage, then every key with its type, default and meaning."""
    sections = list(cmd.more_keys(args)) if cmd.more_keys else []
    own = keys(cmd.options)
    if own or not sections:
        title = "options" if sections else "keys" if own else f"no keys: 'bench {cmd.name}' takes no arguments"
        sections.append((title, own))
    rows = [k for _, section in sections for k in section]
    lines = [f"usage: bench {cmd.name} {cmd.usage}".rstrip(), "", cmd.summary]
    if cmd.arguments:
        width = max(len(name) for name, _ in cmd.arguments)
        lines += ["", "arguments:", *(f"  {name:<{width}}  {meaning}" for name, meaning in cmd.arguments)]
    for title, section in sections:  # a section without keys is one line that says why
        lines += ["", f"{title}:" if section else title, *(_row(k, rows) for k in section)]
    if cmd.note:
        lines += ["", cmd.note]
    if rows:
        lines += ["", GRAMMAR]
    return "\n".join(lines)


def _row(key: Key, rows: list[Key]) -> str:
    name = max(len(k.name) for k in rows)
    kind = max(len(k.type) for k in rows)
    default = min(max(len(k.default) for k in rows), 24)
    return f"  {key.name:<{name}}  {key.type:<{kind}}  {key.default:<{default}}  {key.help}".rstrip()
