"""Shell completion: the protocol driven in real processes, as the installed scripts drive it.

`_TERMCRM_COMPLETE=complete_bash|complete_zsh|complete_fish` in the environment makes the
console script answer one TAB (on the fast path, `termcrm.complete`); the in-process CliRunner
answers the same protocol through Click, and both must agree.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import termcrm_executable


@pytest.fixture
def book(crm):
    crm.ok("contact", "add", "Ada Lovelace", "--email", "ada@example.com", "--tag", "vip",
           "--company", "Analytical Engines", "--owner", "ünal")  # fmt: skip
    crm.ok("contact", "add", "Ada Lovelace", "--email", "ada.other@example.com")
    crm.ok("contact", "add", "Zoë Ölstad", "--email", "zoe@example.com", "--tag", "beta")
    crm.ok("contact", "add", "Grace O'Hara")
    crm.ok("deal", "add", "Renewal 2027", "--contact", "zoe@example.com", "--value", "12000")
    crm.ok("deal", "add", "Lost one", "--contact", "Grace", "--value", "10")
    crm.ok("deal", "lost", "2")
    crm.ok("task", "add", "Call back Zoë", "--contact", "zoe@example.com", "--due", "tomorrow")
    crm.ok("case", "open", "Grace", "Invoice shows the wrong VAT")


def tab(run, shell: str, line: str, **env: str):
    """One TAB at the end of `line` (a trailing space completes a new word)."""
    extra = {"_TERMCRM_COMPLETE": f"complete_{shell}", **env}
    if shell == "bash":
        words = line.split(" ")
        extra.update(COMP_WORDS=line, COMP_CWORD=str(len(words) - 1))
    else:
        extra["_TYPER_COMPLETE_ARGS"] = line
        extra.setdefault("_TYPER_COMPLETE_FISH_ACTION", "get-args")
    return run(env=extra)


def values(r) -> list[str]:
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    return r.stdout.splitlines()


def test_bash_completes_contacts_escaped_for_the_shell(book, run_termcrm):
    assert values(tab(run_termcrm, "bash", "termcrm contact show Zo")) == ["Zoë\\ Ölstad"]
    assert values(tab(run_termcrm, "bash", "termcrm deal add X --contact Gr")) == [
        "Grace\\ O\\'Hara"
    ]
    # a name two contacts share is ambiguous: each one's email is offered beside it
    assert values(tab(run_termcrm, "bash", "termcrm log call ad")) == [
        "Ada\\ Lovelace",
        "ada@example.com",
        "ada.other@example.com",
    ]
    assert values(tab(run_termcrm, "bash", "termcrm task add X --contact=zoe")) == [
        "zoe@example.com"
    ]


def test_zsh_and_fish_show_titles_beside_deal_and_task_ids(book, run_termcrm):
    zsh = tab(run_termcrm, "zsh", "termcrm deal won ").stdout
    assert zsh.startswith("_arguments '*: :((")
    assert '"1":"Renewal 2027 · lead · Zoë Ölstad"' in zsh
    # open deals first
    assert zsh.index('"1"') < zsh.index('"2":"Lost one · lost')
    fish = values(tab(run_termcrm, "fish", "termcrm task done "))
    assert fish == ["1\tCall back Zoë · Zoë Ölstad"]
    case = values(tab(run_termcrm, "fish", "termcrm case resolve "))
    assert case == ["1\tInvoice shows the wrong VAT · open · Grace O'Hara"]


def test_stages_kinds_tags_and_owners(book, run_termcrm):
    def bash(line: str) -> list[str]:
        return values(tab(run_termcrm, "bash", line))

    assert bash("termcrm deal list --stage ") == [
        "lead", "qualified", "proposal", "negotiation", "won", "lost",
    ]  # fmt: skip
    assert bash("termcrm deal move 1 n") == ["negotiation"]
    assert bash("termcrm contact list --stage c") == ["customer", "churned"]
    assert bash("termcrm interactions --kind s") == ["sms", "social", "survey"]
    assert bash("termcrm contact list --tag ") == ["beta", "vip"]
    assert bash("termcrm contact edit ada@example.com --untag V") == ["vip"]
    assert bash("termcrm task list --owner ") == ["tester", "ünal"]
    assert bash("termcrm contact add X --company An") == ["Analytical\\ Engines"]


def test_commands_and_options(book, run_termcrm):
    top = values(tab(run_termcrm, "bash", "termcrm "))
    assert {"contact", "deal", "task", "today", "shell-init"} <= set(top)
    assert values(tab(run_termcrm, "bash", "termcrm contact s")) == ["show"]
    options = values(tab(run_termcrm, "bash", "termcrm task add X --d"))
    assert {"--due", "--deal"} <= set(options)
    assert values(tab(run_termcrm, "bash", "termcrm --"))[:2] == ["--db", "--user"]
    fish = values(tab(run_termcrm, "fish", "termcrm dea"))
    assert fish[0].startswith("deal\tDeals in the pipeline")


def test_the_database_of_the_command_line_is_read(book, run_termcrm, tmp_path, crm):
    other = tmp_path / "other.db"
    crm.ok("--db", str(other), "contact", "add", "Zacharias Other")
    line = f"termcrm --db {other} contact show Z"
    assert values(tab(run_termcrm, "bash", line)) == ["Zacharias\\ Other"]


def test_a_tab_never_prints_an_error_and_never_creates_a_database(run_termcrm, tmp_path):
    missing = tmp_path / "nothing-here.db"
    r = tab(run_termcrm, "bash", "termcrm contact show a", TERMCRM_DB=str(missing))
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")
    assert not missing.exists()
    broken = tmp_path / "broken.db"
    broken.write_text("not a database")
    for shell in ("bash", "zsh", "fish"):
        r = tab(run_termcrm, shell, "termcrm deal won ", TERMCRM_DB=str(broken))
        assert r.stderr == "" and "Error" not in r.stdout and "Traceback" not in r.stdout
    odd = run_termcrm(env={"_TERMCRM_COMPLETE": "complete_tcsh"})
    assert (odd.stdout, odd.stderr) == ("", "")
    # a broken command tree cache is rebuilt, not shown
    cache = Path(os.environ["XDG_CACHE_HOME"]) / "termcrm" / "completion.json"
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text("{broken")
    assert "contact" in values(tab(run_termcrm, "bash", "termcrm "))
    assert cache.read_text().startswith('{"key"')


CLICK_LINES = [
    "termcrm ",
    "termcrm co",
    "termcrm contact ",
    "termcrm contact show ",
    "termcrm contact show ad",
    "termcrm contact list --tag ",
    "termcrm contact list --stage ",
    "termcrm deal list --stage ",
    "termcrm deal won ",
    "termcrm task done ",
    "termcrm task add X --contact Z",
    "termcrm task add X --",
    "termcrm log call ",
    "termcrm case show ",
    "termcrm interactions --kind ",
    "termcrm --user x contact edit ",
]


@pytest.mark.parametrize("line", CLICK_LINES)
def test_the_fast_path_answers_as_click_does(book, run_termcrm, crm, line):
    """The console script answers without typer; Click (in-process) must agree."""
    fast = values(tab(run_termcrm, "bash", line))
    env = {
        "_TERMCRM_COMPLETE": "complete_bash",
        "COMP_WORDS": line,
        "COMP_CWORD": str(len(line.split(" ")) - 1),
    }
    from termcrm.cli.app import app

    slow = crm.runner.invoke(app, [], env=env)
    assert slow.stdout.splitlines() == fast, line


def test_show_and_install_completion_at_the_top_level(run_termcrm, tmp_path):
    home = Path(os.environ["HOME"])
    for shell in ("bash", "zsh", "fish"):
        shown = run_termcrm("--show-completion", env={"SHELL": f"/bin/{shell}"})
        assert shown.returncode == 0 and "_TERMCRM_COMPLETE=complete_" + shell in shown.stdout
        assert "2>/dev/null" in shown.stdout
    first = run_termcrm("--install-completion", env={"SHELL": "/usr/bin/bash"})
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("bash completion installed in ")
    script = home / ".bash_completions" / "termcrm.sh"
    assert "complete -o default -F _termcrm_completion termcrm crm" in script.read_text()
    run_termcrm("--install-completion", env={"SHELL": "/usr/bin/bash"})
    assert (home / ".bashrc").read_text().count(f"source '{script}'") == 1
    run_termcrm("--install-completion", env={"SHELL": "/bin/zsh"})
    assert (home / ".zfunc" / "_termcrm").read_text().startswith("#compdef termcrm crm")
    run_termcrm("--install-completion", env={"SHELL": "/usr/bin/fish"})
    assert (home / ".config/fish/completions/termcrm.fish").exists()
    # sub-commands do not offer it (TAB there used to print "Shell bash not supported")
    assert "--install-completion" not in run_termcrm("contact", "--help").stdout


def _path_env() -> dict:
    bindir = str(Path(termcrm_executable()).parent)
    return {**os.environ, "PATH": f"{bindir}:/usr/bin:/bin"}


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
def test_bash_itself_completes_a_contact_name(book, tmp_path):
    script = (
        "source <(termcrm --show-completion); COMP_WORDS=(termcrm contact show Zo); "
        'COMP_CWORD=3; _termcrm_completion termcrm; printf "%s\\n" "${COMPREPLY[@]}"'
    )
    env = {**_path_env(), "SHELL": "/bin/bash"}
    r = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env, timeout=60)
    assert r.stdout.splitlines() == ["Zoë\\ Ölstad"], r.stderr


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
def test_fish_itself_completes_a_contact_name(book, tmp_path):
    script = "termcrm --show-completion | source; complete -C 'termcrm contact show Zo'"
    env = {**_path_env(), "SHELL": "/usr/bin/fish"}
    r = subprocess.run(["fish", "-c", script], capture_output=True, text=True, env=env, timeout=60)
    assert r.stdout.splitlines() == ["Zoë Ölstad\tzoe@example.com"], r.stderr


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
def test_zsh_loads_the_script_without_errors(tmp_path):
    script = (
        "autoload -Uz compinit && compinit -u -d $HOME/.zcompdump; "
        'source <(termcrm --show-completion); print -r -- "${_comps[termcrm]}"'
    )
    env = {**_path_env(), "SHELL": "/bin/zsh", "ZDOTDIR": os.environ["HOME"]}
    r = subprocess.run(["zsh", "-c", script], capture_output=True, text=True, env=env, timeout=60)
    assert r.stdout.strip() == "_termcrm_completion", r.stderr
    assert r.stderr == ""


def test_the_sqlite_fast_path_and_the_session_give_the_same_values(book, store, db_path):
    """The look-ups are one set of queries in services.completion, run over sqlite3 for the
    TAB and over a Session (any engine) otherwise: both give the same candidates."""
    from termcrm.services import completion

    fast = completion.sqlite_rows(str(db_path))
    with store.read() as session:
        slow = completion.session_rows(session)
        for kind in completion.RECORDS:
            for typed in ("", "a", "Zo", "1", "ü"):
                assert completion.complete(kind, typed, lambda: fast) == completion.complete(
                    kind, typed, lambda s=slow: s
                ), (kind, typed)
