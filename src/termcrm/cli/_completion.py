"""Shell completion for bash, zsh and fish: the scripts, `--install-completion` and
`--show-completion`, and which values a parameter completes.

A parameter completes by its name, wherever it is declared: every `contact` (argument or
`--contact`) completes contacts, every `deal` deal ids, `tag`/`untag` tags, `owner` owners, and
so on (`BY_NAME`). New commands get completion by naming their parameters the usual way. The
look-ups are `termcrm.completion_lookups`'s; this module only wires them to Click.

The scripts send the completer's stderr to /dev/null, and any failure while completing gives
no candidates: an error never lands in the prompt.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any

from typer._click.shell_completion import CompletionItem, add_completion_class
from typer._completion_classes import BashComplete, FishComplete, ZshComplete

SHELLS = ("bash", "zsh", "fish")

#: parameter name -> the kind of value it completes (see termcrm.completion_lookups.KINDS);
#: "stage" and "priority" depend on the command (deal or contact, case or task)
BY_NAME = {
    "contact": "contact",
    "keep": "contact",
    "other": "contact",
    "company": "company",
    "deal": "deal",
    "task": "task",
    "case": "case",
    "tag": "tag",
    "untag": "tag",
    "any_tag": "tag",
    "no_tag": "tag",
    "owner": "owner",
    "reassign_to": "owner",
    "kind": "kind",
    "direction": "direction",
    "stage": "stage",
    "priority": "priority",
}

BASH = """\
_termcrm_completion() {
    local IFS=$'\\n'
    COMPREPLY=( $( env COMP_WORDS="${COMP_WORDS[*]}" COMP_CWORD=$COMP_CWORD \\
                   _TERMCRM_COMPLETE=complete_bash "$1" 2>/dev/null ) )
    return 0
}
complete -o default -F _termcrm_completion termcrm crm
"""

ZSH = """\
#compdef termcrm crm

_termcrm_completion() {
  eval $(env _TYPER_COMPLETE_ARGS="${words[1,$CURRENT]}" _TERMCRM_COMPLETE=complete_zsh \\
         "${words[1]}" 2>/dev/null)
}

if [[ "${funcstack[1]}" == _termcrm ]]; then  # autoloaded from fpath
  _termcrm_completion "$@"
else                                          # sourced
  compdef _termcrm_completion termcrm crm
fi
"""

FISH = """\
for prog in termcrm crm
    complete --command $prog --no-files --arguments "(env _TERMCRM_COMPLETE=complete_fish \
_TYPER_COMPLETE_FISH_ACTION=get-args _TYPER_COMPLETE_ARGS=(commandline -cp) $prog 2>/dev/null)" \
--condition "env _TERMCRM_COMPLETE=complete_fish _TYPER_COMPLETE_FISH_ACTION=is-args \
_TYPER_COMPLETE_ARGS=(commandline -cp) $prog 2>/dev/null"
end
"""

_BASH_SPECIAL = re.compile(r"([^\w@%+=:,./-])")


class Bash(BashComplete):
    source_template = BASH

    def source(self) -> str:
        return BASH

    def format_completion(self, item: CompletionItem) -> str:
        # bash inserts the candidate as it stands: "Ada Lovelace" must arrive as Ada\ Lovelace
        return _BASH_SPECIAL.sub(r"\\\1", item.value)


class Zsh(ZshComplete):
    source_template = ZSH

    def source(self) -> str:
        return ZSH


class Fish(FishComplete):
    source_template = FISH

    def source(self) -> str:
        return FISH


def register_shells() -> None:
    """Our scripts and formats for the three shells (replacing Typer's defaults)."""
    for cls, name in ((Bash, "bash"), (Zsh, "zsh"), (Fish, "fish")):
        add_completion_class(cls, name)


def script(shell: str) -> str:
    return {"bash": BASH, "zsh": ZSH, "fish": FISH}[shell]


# -- values -------------------------------------------------------------------------------------


def _kind(path: list[str], name: str | None) -> str | None:
    """The kind of value parameter `name` of the command at `path` (below the root) takes."""
    kind = BY_NAME.get(name or "")
    if kind == "stage":
        return "deal_stage" if {"deal", "pipeline"} & set(path) else "contact_stage"
    if kind == "priority":
        return "case_priority" if "case" in path else "task_priority"
    return kind


def manifest() -> dict[str, Any]:
    """The whole command tree as plain data for `termcrm.complete` (the fast path): for each
    command its one-line help, options (with whether they take a value and which kind),
    arguments and subcommands."""
    import typer

    from termcrm.cli.app import app

    root = typer.main.get_command(app)
    return _node(root, [], root.make_context("termcrm", [], resilient_parsing=True))


def _node(command: Any, path: list[str], ctx: Any) -> dict[str, Any]:
    node: dict[str, Any] = {
        "help": " ".join((command.get_short_help_str() or "").split()),
        "options": {},
        "args": [],
    }
    for param in command.get_params(ctx):
        if getattr(param, "hidden", False):
            continue
        kind: Any = _kind(path, param.name)
        desc = getattr(param, "type_descriptor", None)
        if kind is None and desc is not None and desc.is_choice and desc.choices:
            kind = [str(getattr(c, "value", c)) for c in desc.choices]
        if param.param_type_name == "option":
            takes = not (getattr(param, "is_flag", False) or getattr(param, "count", False))
            for name in (*param.opts, *getattr(param, "secondary_opts", ())):
                node["options"][name] = {"value": takes, "kind": kind, "help": param.help or ""}
        else:
            node["args"].append({"kind": kind, "nargs": param.nargs})
    if hasattr(command, "list_commands"):
        node["commands"] = {}
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is None or getattr(sub, "hidden", False):
                continue
            with sub.make_context(name, [], parent=ctx, resilient_parsing=True) as sub_ctx:
                node["commands"][name] = _node(sub, [*path, name], sub_ctx)
    return node


def complete_value(ctx: Any, param: Any, incomplete: str) -> list[CompletionItem]:
    """The candidates for `param`'s value; none at all when anything goes wrong."""
    try:
        kind = _kind(ctx.command_path.split()[1:], param.name)
        found = _candidates(ctx, kind or "", incomplete)
        return [CompletionItem(value, help=help_ or None) for value, help_ in found]
    except Exception:
        return []


def _candidates(ctx: Any, kind: str, incomplete: str) -> list[tuple[str, str]]:
    from termcrm import completion_lookups as completion
    from termcrm import paths

    target = paths.db_target(ctx.find_root().params.get("db_target"))
    return completion.complete_at(target, kind, incomplete)


def attach(command: Any) -> Any:
    """Give every parameter of `command` (and its subcommands) its value completion."""
    for param in getattr(command, "params", ()):
        if param.name in BY_NAME and getattr(param, "_custom_shell_complete", None) is None:
            param._custom_shell_complete = complete_value
    for sub in getattr(command, "commands", {}).values():
        attach(sub)
    return command


# -- --show-completion / --install-completion ---------------------------------------------------


def detect_shell() -> str:
    """The user's shell from $SHELL; bash when it is not one of the three."""
    name = Path(os.environ.get("SHELL", "")).name
    return name if name in SHELLS else "bash"


def install(shell: str, home: Path | None = None) -> Path:
    """Write the completion script where `shell` loads it from and return that file.

    bash: ~/.bash_completions/termcrm.sh, sourced from ~/.bashrc (one line, added once);
    zsh: ~/.zfunc/_termcrm, with ~/.zfunc on fpath and compinit in ~/.zshrc (added once);
    fish: ~/.config/fish/completions/termcrm.fish (fish loads it by itself).
    """
    home = home or Path.home()
    if shell == "bash":
        target = home / ".bash_completions" / "termcrm.sh"
        _add_line(home / ".bashrc", f"source '{target}'")
    elif shell == "zsh":
        target = home / ".zfunc" / "_termcrm"
        _add_line(home / ".zshrc", "fpath+=~/.zfunc; autoload -Uz compinit; compinit")
    else:
        target = home / ".config" / "fish" / "completions" / "termcrm.fish"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(script(shell), encoding="utf-8")
    return target


def _add_line(rc: Path, line: str) -> None:
    text = rc.read_text(encoding="utf-8") if rc.exists() else ""
    if line in text.splitlines():
        return
    with rc.open("a", encoding="utf-8") as fh:
        fh.write(("" if not text or text.endswith("\n") else "\n") + line + "\n")


def show_callback(ctx: Any, param: Any, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        sys.stdout.write(script(detect_shell()))
        ctx.exit(0)


def install_callback(ctx: Any, param: Any, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        shell = detect_shell()
        target = install(shell)
        from termcrm.complete import load_manifest

        load_manifest()  # the first TAB then finds the command tree cached
        sys.stdout.write(
            f"{shell} completion installed in {target}\nCompletion takes effect in new shells.\n"
        )
        ctx.exit(0)
