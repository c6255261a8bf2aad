"""Shell completion on the start-up fast path: one TAB, standard library only.

Completion runs on every TAB, so the console script answers the completion protocol
(`_TERMCRM_COMPLETE=complete_bash|complete_zsh|complete_fish`, see `termcrm.cli._completion`)
here, without importing typer (~125 ms before the first line of termcrm runs):

- The command tree (commands, options, arguments and which kind of value each completes) is
  read from a small JSON manifest in termcrm's cache dir. `termcrm.cli._completion.manifest`
  builds it from the real Typer tree, keyed by the termcrm version and the CLI modules' files,
  so a changed CLI rebuilds it on the next TAB (that one TAB pays for typer).
- Values come from `termcrm.completion_lookups`, over sqlite3 straight on the file.
- It resolves what is being completed the way Click does (`tests/test_completion.py` checks
  that both give the same answers), and any failure prints nothing.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

APP = "termcrm"
#: options of the root that take a value (everything else before the command is a flag)
_ROOT_VALUES = ("--db", "--user")


# -- the manifest -------------------------------------------------------------------------------


def cache_dir() -> str:
    if sys.platform.startswith("linux"):
        base = os.environ.get("XDG_CACHE_HOME", "")
        base = base if os.path.isabs(base) else os.path.expanduser("~/.cache")
        return os.path.join(base, APP)
    from termcrm import paths

    return str(paths.cache_dir())


def cli_key() -> str:
    """Changes whenever termcrm's version or any of its CLI modules changes."""
    from termcrm import __version__

    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cli")
    parts = [__version__]
    for entry in sorted(os.scandir(here), key=lambda e: e.name):
        if entry.name.endswith(".py"):
            st = entry.stat()
            parts.append(f"{entry.name}:{st.st_mtime_ns}:{st.st_size}")
    return "|".join(parts)


def load_manifest() -> dict[str, Any]:
    """The command tree, from the cache while it matches this CLI, else built and cached."""
    key = cli_key()
    path = os.path.join(cache_dir(), "completion.json")
    try:
        with open(path, encoding="utf-8") as fh:
            cached = json.load(fh)
        if cached.get("key") == key:
            return cached["tree"]
    except (OSError, ValueError, AttributeError):
        pass
    from termcrm.cli._completion import manifest

    tree = manifest()
    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        tmp = f"{path}.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump({"key": key, "tree": tree}, fh)
        os.replace(tmp, path)
    except OSError:
        pass  # no cache: the next TAB builds it again
    return tree


# -- what is being completed --------------------------------------------------------------------


def resolve(tree: dict[str, Any], args: list[str], incomplete: str) -> tuple[str, Any]:
    """("commands", node) | ("options", node) | ("value", kind) | ("none", None), the way
    Click's `_resolve_incomplete` decides: an option's value, else the first unfilled argument,
    else a subcommand."""
    node = tree
    i, positional, after_dashes = 0, 0, False
    pending: dict[str, Any] | None = None  # an option waiting for its value
    while i < len(args):
        arg = args[i]
        i += 1
        if pending is not None:
            pending = None
            continue
        if arg == "--":
            after_dashes = True
            continue
        if arg.startswith("-") and not after_dashes and len(arg) > 1:
            name, eq, _ = arg.partition("=")
            option = node["options"].get(name)
            if option and option["value"] and not eq:
                pending = option
            continue
        if node.get("commands") and arg in node["commands"]:
            node = node["commands"][arg]
            positional = 0
            continue
        positional += 1
    if incomplete.startswith("-") and not after_dashes and "=" in incomplete:
        name = incomplete.partition("=")[0]
        option = node["options"].get(name)
        if option and option["value"]:
            return "value", option["kind"]
    if pending is not None:
        return "value", pending["kind"]
    if incomplete.startswith("-") and not after_dashes:
        return "options", node
    arguments = node.get("args", [])
    for n, argument in enumerate(arguments):
        if n >= positional or argument["nargs"] == -1:
            return "value", argument["kind"]
    if node.get("commands"):
        return "commands", node
    return "none", None


def value_of(incomplete: str) -> str:
    if incomplete.startswith("-") and "=" in incomplete:
        return incomplete.partition("=")[2]
    return incomplete


def candidates(tree: dict[str, Any], args: list[str], incomplete: str) -> list[tuple[str, str]]:
    what, found = resolve(tree, args, incomplete)
    if what == "commands":
        return [(n, c["help"]) for n, c in found["commands"].items() if n.startswith(incomplete)]
    if what == "options":
        return [(n, o["help"]) for n, o in found["options"].items() if n.startswith(incomplete)]
    if what == "value" and found:
        try:
            return values(found, value_of(incomplete), args)
        except Exception:  # no database yet, a locked or broken one: nothing to offer
            return []
    return []


def values(kind: Any, typed: str, args: list[str]) -> list[tuple[str, str]]:
    if isinstance(kind, list):  # a parameter with fixed choices
        return [(c, "") for c in kind if c.startswith(typed)]
    from termcrm import completion_lookups as completion

    return completion.complete_at(_db_target(args), kind, typed)


def _db_target(args: list[str]) -> str:
    """`--db` from the command line, else TERMCRM_DB, else the default file (as paths.py)."""
    for i, arg in enumerate(args):
        if arg == "--db" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--db="):
            return arg[len("--db=") :]
    from termcrm.remind import data_dir

    return os.environ.get("TERMCRM_DB") or os.path.join(data_dir(), "termcrm.db")


# -- the protocol -------------------------------------------------------------------------------


def split(line: str) -> list[str]:
    """Words as a shell would split them, tolerating an unfinished quote (as Click does)."""
    import shlex

    lex = shlex.shlex(line, posix=True)
    lex.whitespace_split = True
    lex.commenters = ""
    out: list[str] = []
    try:
        out.extend(lex)
    except ValueError:
        out.append(lex.token)
    return out


def _bash_quote(value: str) -> str:
    return "".join(c if c.isalnum() or c in "_@%+=:,./-" else "\\" + c for c in value)


def _zsh_escape(s: str) -> str:
    return (
        s.replace('"', '""')
        .replace("'", "''")
        .replace("$", "\\$")
        .replace("`", "\\`")
        .replace(":", r"\\:")
    )


def respond(shell: str, env: dict[str, str]) -> tuple[str, int]:
    """What the completion script receives for one TAB, and the exit code."""
    if shell == "bash":
        words = split(env.get("COMP_WORDS", ""))
        cword = int(env.get("COMP_CWORD", "0"))
        args, incomplete = words[1:cword], (words[cword] if cword < len(words) else "")
    else:
        line = env.get("_TYPER_COMPLETE_ARGS", "")
        words = split(line)[1:]
        if words and not line.endswith(" "):
            args, incomplete = words[:-1], words[-1]
        else:
            args, incomplete = words, ""
    found = candidates(load_manifest(), args, incomplete)
    if shell == "bash":
        return "\n".join(_bash_quote(v) for v, _ in found), 0
    if shell == "zsh":
        if not found:
            return "_files", 0
        items = "\n".join(
            f'"{_zsh_escape(v)}":"{_zsh_escape(" ".join(h.split()))}"'
            if h
            else f'"{_zsh_escape(v)}"'
            for v, h in found
        )
        return f"_arguments '*: :(({items}))'", 0
    if env.get("_TYPER_COMPLETE_FISH_ACTION") == "is-args":
        return "", 0 if found else 1
    return "\n".join(f"{v}\t{' '.join(h.split())}" if h else v for v, h in found), 0


def main(instruction: str) -> int:
    """Answer one TAB; nothing at all (and exit 1) on any failure."""
    try:
        action, _, shell = instruction.partition("_")
        if action == "source" and shell in ("bash", "zsh", "fish"):
            from termcrm.cli._completion import script

            sys.stdout.write(script(shell))
            return 0
        if action != "complete" or shell not in ("bash", "zsh", "fish"):
            return 1
        text, code = respond(shell, dict(os.environ))
        if text:
            sys.stdout.write(text + "\n")
        sys.stdout.flush()
        return code
    except BaseException:  # a TAB never prints a traceback into the prompt
        return 1
