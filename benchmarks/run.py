#!/usr/bin/env python3
"""termcrm's benchmark: every speed and memory figure beside a reference measured in the same run.

    .venv/bin/python benchmarks/run.py            # full size, up to ~15 minutes
    .venv/bin/python benchmarks/run.py --quick    # reduced size, under two minutes
    .venv/bin/python benchmarks/run.py --quick --json results.json

The data set is built once by `generate.py` and cached in `benchmarks/.cache/` (keyed by its
parameters, the generator's source and termcrm's schema revision). Each run works on a copy, so
commands that write (`log call`, imports) never change the cache, and never the user's own
database: every command gets `TERMCRM_DB`, a temporary HOME and XDG dirs, `TERMCRM_NOW` at the
data set's anchor and `TZ=UTC`.

Whole commands are timed as processes (a warm-up, then several runs: median, min and max);
in-process figures with `time.perf_counter` in a probe process (`_probe.py`). A figure whose
command or function is missing or fails is printed as `n/a` with the reason; the script never
stops on one. See benchmarks/README.md for what each figure calls.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib.util
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"  # git-ignored; --cache-dir overrides (the smoke test uses a tmp dir)
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

PY = sys.executable
SEARCH = "okafor"  # a surname: ~1/48 of the contacts, a realistic search result

SIZES = {
    "full": {
        "contacts": 100_000,
        "interactions": 1_000_000,
        "deals": 50_000,
        "tasks": 20_000,
        "import_rows": 100_000,
        "mem_rows": (100_000, 1_000_000),
        "runs": 10,
        "heavy_runs": 3,
        "warmup": 1,
    },
    "quick": {
        "contacts": 10_000,
        "interactions": 100_000,
        "deals": 5_000,
        "tasks": 2_000,
        "import_rows": 10_000,
        "mem_rows": (5_000, 50_000),
        "runs": 3,
        "heavy_runs": 2,
        "warmup": 1,
    },
    "tiny": {
        "contacts": 300,
        "interactions": 3_000,
        "deals": 150,
        "tasks": 60,
        "import_rows": 300,
        "mem_rows": (300, 3_000),
        "runs": 1,
        "heavy_runs": 1,
        "warmup": 0,
    },
}

BARE_TYPER = '''\
"""A bare Typer app: the reference for `termcrm --help` (no completion options, like termcrm)."""
import typer

app = typer.Typer(help="A bare Typer app with two commands.", add_completion=False)


@app.command()
def hello(name: str = typer.Option("world", help="Who to greet.")) -> None:
    """Say hello."""
    typer.echo(f"hello {name}")


@app.command()
def bye() -> None:
    """Say goodbye."""
    typer.echo("bye")


if __name__ == "__main__":
    app()
'''


# -- results ------------------------------------------------------------------------------------


@dataclass
class Row:
    figure: str
    value: str = "n/a"
    reference: str = ""
    ratio: str = ""
    target: str = ""
    result: str = "n/a"
    note: str = ""
    data: dict = field(default_factory=dict)


class Unavailable(Exception):
    """The command or function measured is missing or failed: the row says n/a and why."""


def fmt_time(sec: float) -> str:
    if sec >= 10:
        return f"{sec:.1f} s"
    if sec >= 1:
        return f"{sec:.2f} s"
    return f"{sec * 1000:.0f} ms" if sec >= 0.01 else f"{sec * 1000:.1f} ms"


def fmt_stats(st: dict) -> str:
    if len(st.get("samples", [])) <= 1:
        return fmt_time(st["median"])
    return f"{fmt_time(st['median'])} ({fmt_time(st['min'])}–{fmt_time(st['max'])})"


def fmt_ratio(ratio: float) -> str:
    return f"{ratio:.2f}×" if ratio >= 0.1 else f"{ratio:.3f}×"


def fmt_mb(kb: float) -> str:
    return f"{kb / 1024:.0f} MB"


def verdict(ratio: float, limit: float, *, at_least: bool = False) -> str:
    ok = ratio >= limit if at_least else ratio <= limit
    return "pass" if ok else "FAIL"


# -- processes ----------------------------------------------------------------------------------


@dataclass
class Proc:
    wall: float
    returncode: int
    stdout: str
    stderr: str
    maxrss_kb: int


def run_proc(cmd: list[str], env: dict[str, str], timeout: float = 300) -> Proc:
    """Run one process, timing it and reading its own peak RSS (wait4), output to files."""
    with tempfile.TemporaryFile() as fo, tempfile.TemporaryFile() as fe:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=fo, stderr=fe, stdin=subprocess.DEVNULL, env=env)
        killer = threading.Timer(timeout, lambda: os.kill(p.pid, signal.SIGKILL))
        killer.start()
        try:
            _, status, usage = os.wait4(p.pid, 0)
        finally:
            killer.cancel()
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        fo.seek(0)
        fe.seek(0)
        out = fo.read().decode("utf-8", "replace")
        err = fe.read().decode("utf-8", "replace")
    if p.returncode == -signal.SIGKILL and wall >= timeout:
        err = f"timed out after {timeout:.0f} s\n" + err
    # ru_maxrss is in kilobytes on Linux, bytes on macOS
    rss = usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss
    return Proc(wall, p.returncode, out, err, rss)


def first_line(text: str) -> str:
    for line in text.strip().splitlines():
        if line.strip():
            return line.strip()[:160]
    return ""


def time_cmd(
    cmd: list[str],
    env: dict[str, str],
    runs: int,
    warmup: int,
    timeout: float = 120,
    *,
    ref_cmd: list[str] | None = None,
) -> dict:
    """Median/min/max wall time of a command; Unavailable when it fails.

    With `ref_cmd`, the reference runs interleaved with the command (ref, cmd, ref, cmd, ...)
    so both see the same machine load; its figures come back under "ref".
    """
    samples, ref_samples, rss = [], [], []
    last: Proc | None = None
    for i in range(warmup + max(1, runs)):
        if ref_cmd is not None:
            ref = run_proc(ref_cmd, env, timeout)
            if ref.returncode != 0:
                raise Unavailable(f"reference failed: {first_line(ref.stderr)}")
            if i >= warmup:
                ref_samples.append(ref.wall)
        last = run_proc(cmd, env, timeout)
        if last.returncode != 0:
            why = first_line(last.stderr) or first_line(last.stdout) or "no output"
            raise Unavailable(f"exit {last.returncode}: {why}")
        if i >= warmup:
            samples.append(last.wall)
            rss.append(last.maxrss_kb)
    result = stats(samples)
    result.update(maxrss_kb=max(rss), stdout=last.stdout if last else "")
    if ref_samples:
        result["ref"] = stats(ref_samples)
    return result


def stats(samples: list[float]) -> dict:
    return {
        "median": statistics.median(samples),
        "min": min(samples),
        "max": max(samples),
        "samples": samples,
    }


def probe(args: list[str], env: dict[str, str], timeout: float = 600) -> tuple[dict, Proc]:
    proc = run_proc([PY, str(HERE / "_probe.py"), *args], env, timeout)
    result: dict = {}
    for line in reversed(proc.stdout.strip().splitlines()):
        if line.startswith("{"):
            with contextlib.suppress(ValueError):
                result = json.loads(line)
            break
    if not result:
        raise Unavailable(
            f"probe {args[0]} exit {proc.returncode}: {first_line(proc.stderr) or 'no result'}"
        )
    if "error" in result:
        raise Unavailable(result["error"])
    return result, proc


# -- the data set -------------------------------------------------------------------------------


def termcrm_cmd() -> list[str]:
    exe = Path(PY).with_name("termcrm")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("termcrm")
    return [found] if found else [PY, "-m", "termcrm"]


def compile_termcrm(log: Callable[[str], None]) -> None:
    """Write termcrm's bytecode before timing it, as `pip install` does for a user.

    An editable checkout has none until Python writes it, and with PYTHONDONTWRITEBYTECODE set
    (as on CI machines) it never does: every start would then compile the sources again
    (~35 ms here), which no installed termcrm pays.
    """
    spec = importlib.util.find_spec("termcrm")
    if spec is None or not spec.submodule_search_locations:
        return
    package = next(iter(spec.submodule_search_locations))
    done = subprocess.run(
        [PY, "-m", "compileall", "-q", package], capture_output=True, text=True, check=False
    )
    if done.returncode:
        log(f"compiling termcrm failed (timings include compiling): {done.stderr.strip()[:200]}")


def schema_revision() -> str:
    try:
        from termcrm.store.revision import HEAD

        return str(HEAD)
    except Exception:
        return "?"


def cache_key(params: dict) -> str:
    source = (HERE / "generate.py").read_bytes()
    blob = json.dumps(params, sort_keys=True).encode() + source + schema_revision().encode()
    return hashlib.sha256(blob).hexdigest()[:12]


def build_db(size: dict, seed: int, log) -> tuple[Path, float, bool]:
    """The cached data set for these parameters (built if missing): path, seconds, fresh?"""
    params = {k: size[k] for k in ("contacts", "interactions", "deals", "tasks")}
    params["seed"] = seed
    CACHE.mkdir(exist_ok=True)
    db = CACHE / f"crm-{params['contacts']}-{cache_key(params)}.db"
    if db.exists():
        return db, 0.0, False
    log(f"building the data set {params} -> {db.name} ...")
    t0 = time.perf_counter()
    argv = [
        "--contacts", str(params["contacts"]),
        "--interactions", str(params["interactions"]),
        "--deals", str(params["deals"]),
        "--tasks", str(params["tasks"]),
        "--seed", str(seed),
        "--quiet",
        str(db),
    ]  # fmt: skip
    proc = run_proc([PY, str(HERE / "generate.py"), *argv], os.environ.copy(), timeout=900)
    if proc.returncode != 0:
        raise SystemExit(f"generate.py failed: {proc.stderr.strip()[-2000:]}")
    return db, time.perf_counter() - t0, True


def build_csv(rows: int, seed: int) -> Path:
    CACHE.mkdir(exist_ok=True)
    key = cache_key({"csv": rows, "seed": seed})
    path = CACHE / f"contacts-{rows}-{key}.csv"
    if not path.exists():
        tmp = path.with_suffix(".part")
        generate.write_csv(tmp, rows, seed, "termcrm")
        os.replace(tmp, path)
    return path


# -- the benchmark ------------------------------------------------------------------------------


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.mode = "tiny" if args.tiny else "quick" if args.quick else "full"
        self.size = dict(SIZES[self.mode])
        for key in ("contacts", "interactions", "deals", "tasks", "import_rows", "runs"):
            value = getattr(args, key, None)
            if value is not None:
                self.size[key] = value
        self.runs = self.size["runs"]
        self.warmup = self.size["warmup"]
        self.rows: list[Row] = []
        self.refs: dict[str, dict] = {}
        self.tmp = Path(tempfile.mkdtemp(prefix="termcrm-bench-"))
        self.crm = termcrm_cmd()

    def log(self, msg: str) -> None:
        if not self.args.json_only:
            print(f"[bench] {msg}", file=sys.stderr, flush=True)

    # environment --------------------------------------------------------------------------
    def env(self, db: Path | None = None) -> dict[str, str]:
        home = self.tmp / "home"
        env = {k: v for k, v in os.environ.items() if not k.startswith("TERMCRM_")}
        env.update(
            HOME=str(home),
            XDG_DATA_HOME=str(home / ".local/share"),
            XDG_STATE_HOME=str(home / ".local/state"),
            XDG_CONFIG_HOME=str(home / ".config"),
            XDG_CACHE_HOME=str(home / ".cache"),
            TERMCRM_DB=str(db or self.tmp / "unused.db"),
            TERMCRM_NOW=generate.DEFAULT_NOW,
            TERMCRM_USER="anna",
            TZ="UTC",
            NO_COLOR="1",
            COLUMNS="120",
        )
        return env

    def figure(self, name: str, fn: Callable[[Row], None]) -> Row:
        row = Row(name)
        t0 = time.perf_counter()
        try:
            fn(row)
        except Unavailable as exc:
            row.value, row.result, row.note = "n/a", "n/a", str(exc)
        except Exception as exc:  # a harness bug must not hide the other figures
            row.value, row.result, row.note = "n/a", "n/a", f"harness: {type(exc).__name__}: {exc}"
        self.log(f"{name}: {row.value} {row.result} ({time.perf_counter() - t0:.1f} s)")
        self.rows.append(row)
        return row

    def timed_row(
        self,
        row: Row,
        cmd: list[str],
        env: dict[str, str],
        ref_key: str | None,
        limit: float | None,
        *,
        runs: int | None = None,
    ) -> dict:
        """Time `cmd`, interleaved with its reference when it has one, and fill the row."""
        ref_cmd = self.ref_cmds[ref_key] if ref_key else None
        st = time_cmd(cmd, env, runs or self.runs, self.warmup, ref_cmd=ref_cmd)
        row.value = fmt_stats(st)
        row.data = {k: v for k, v in st.items() if k != "stdout"}
        row.target, row.result = "—", "info"
        if ref_key:
            ref = st["ref"]
            ratio = st["median"] / ref["median"]
            row.reference = f"{fmt_time(ref['median'])} {ref_key}"
            row.ratio = fmt_ratio(ratio)
            row.data["ratio"] = ratio
            if limit is not None:
                row.target = f"≤ {limit:g}×"
                row.result = verdict(ratio, limit)
        return st

    # the run --------------------------------------------------------------------------------
    def run(self) -> None:
        seed = self.args.seed
        t0 = time.perf_counter()
        cache_db, build_s, fresh = build_db(self.size, seed, self.log)
        self.build = {"seconds": build_s, "fresh": fresh, "file": cache_db.name}
        self.log("copying the data set to a work copy ...")
        self.db = self.tmp / "work.db"
        shutil.copyfile(cache_db, self.db)
        env = self.env(self.db)
        compile_termcrm(self.log)
        self.sample_email = self._sample_email()

        self.references(env)
        self.figure("termcrm --help", lambda r: self.timed_row(
            r, [*self.crm, "--help"], env, "bare Typer --help", 1.2))  # fmt: skip
        self.figure("termcrm remind", lambda r: self.remind(r, env))
        self.figure("termcrm remind (PostgreSQL)", lambda r: self.remind_pg(r, env))
        self.figure("rc line in a new bash -i", lambda r: self.rc_line(r, env))
        self.figure("TAB completion of a CONTACT", lambda r: self.completion(r, env))
        self.figure("termcrm today", lambda r: self.timed_row(
            r, [*self.crm, "today"], env, "libs floor", 1.15))  # fmt: skip
        self.figure(f"termcrm contact list --search {SEARCH}", lambda r: self.timed_row(
            r, [*self.crm, "contact", "list", "--search", SEARCH], env, "libs floor", None))  # fmt: skip
        self.figure("search service, in-process", lambda r: self.search(r, env))
        self.figure("search page (TUI), in-process", lambda r: self.search_page(r, env))
        self.figure("termcrm log call", lambda r: self.log_call(r, env))
        self.figure("termcrm report", lambda r: self.timed_row(
            r, [*self.crm, "report"], env, "libs floor", 1.3))  # fmt: skip
        self.figure("KPI report, in-process", lambda r: self.kpis(r, env))
        self.figure("termcrm contact dupes", lambda r: self.dupes(r, env))
        self.imports()
        self.tui(env)
        self.tui_terminal(env)
        self.elapsed = time.perf_counter() - t0

    def _sample_email(self) -> str:
        import sqlite3

        con = sqlite3.connect(self.db)
        try:
            row = con.execute(
                "SELECT email FROM contacts WHERE email IS NOT NULL ORDER BY id LIMIT 1 OFFSET ?",
                (self.size["contacts"] // 2,),
            ).fetchone()
        finally:
            con.close()
        return row[0] if row else "nobody@example.com"

    def references(self, env: dict[str, str]) -> None:
        bare = self.tmp / "bare_typer.py"
        bare.write_text(BARE_TYPER, encoding="utf-8")
        self.ref_cmds = {
            "python -c pass": [PY, "-c", "pass"],
            "bare Typer --help": [PY, str(bare), "--help"],
            "libs floor": [PY, "-c", "import typer, sqlmodel, rich.console"],
        }
        for key, cmd in self.ref_cmds.items():

            def measure(row: Row, key=key, cmd=cmd) -> None:
                st = time_cmd(cmd, env, self.runs, self.warmup)
                self.refs[key] = st
                row.value = fmt_stats(st)
                row.target, row.result = "—", "ref"
                row.data = {k: v for k, v in st.items() if k != "stdout"}
                row.note = " ".join(c if c != str(bare) else "bare_typer.py" for c in cmd[1:])

            self.figure(f"ref: {key}", measure)

    def remind(self, row: Row, env: dict[str, str]) -> None:
        if importlib.util.find_spec("termcrm.remind") is None:
            raise Unavailable(
                "termcrm.remind does not exist yet (the entry point exits 0 silently)"
            )
        cmd = [*self.crm, "remind", "--always"]
        probe_run = run_proc(cmd, env)
        if probe_run.returncode != 0 or "usage" in probe_run.stderr.lower():
            cmd = [*self.crm, "remind"]  # no --always: later runs are the once-a-day no-op
            row.note = "without --always"
        st = self.timed_row(row, cmd, env, "python -c pass", 3.0)
        lines = [ln for ln in st["stdout"].splitlines() if ln.strip()]
        row.note = (row.note + "; " if row.note else "") + f"{len(lines)} line(s) printed"

    def remind_pg(self, row: Row, env: dict[str, str]) -> None:
        """`termcrm remind` on PostgreSQL with the data set loaded (`termcrm db copy` into a
        throwaway database on the server at $TERMCRM_BENCH_PG, dropped afterwards)."""
        import uuid

        try:
            import psycopg
        except ImportError as exc:
            raise Unavailable("psycopg is not installed (pip install 'termcrm[postgres]')") from exc
        server = os.environ.get(
            "TERMCRM_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        )
        admin = server.replace("postgresql+psycopg://", "postgresql://")
        name = f"termcrm_bench_{uuid.uuid4().hex[:12]}"
        try:
            with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
        except Exception as exc:
            raise Unavailable(f"no PostgreSQL server: {first_line(str(exc))}") from exc
        target = f"{server.rsplit('/', 1)[0]}/{name}"
        try:
            copied = run_proc([*self.crm, "db", "copy", "--to", target], env, timeout=3600)
            if copied.returncode != 0:
                raise Unavailable(f"db copy failed: {first_line(copied.stderr)}")
            pg_env = {**env, "TERMCRM_DB": target}
            st = self.timed_row(
                row, [*self.crm, "remind", "--always"], pg_env, "python -c pass", 5.0
            )
            lines = [ln for ln in st["stdout"].splitlines() if ln.strip()]
            row.note = f"{len(lines)} line(s) printed; the data set copied to PostgreSQL"
        finally:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            for role in ("admin", "member", "viewer"):
                with psycopg.connect(admin, autocommit=True) as conn:
                    conn.execute(f'DROP ROLE IF EXISTS "{name}_{role}"')

    def rc_line(self, row: Row, env: dict[str, str]) -> None:
        """A new interactive bash whose rc file holds the README's line (shell-init, then the
        snippet's remind) against one whose rc file runs `python3 -c pass`. The state dir is
        unwritable, so no once-a-day stamp spares a later shell the database query."""
        if shutil.which("bash") is None:
            raise Unavailable("no bash on this machine")
        rc, ref = self.tmp / "rc-termcrm.bash", self.tmp / "rc-python.bash"
        crm = " ".join(f"'{w}'" for w in self.crm)
        rc.write_text(f'eval "$({crm} shell-init bash)"\n', encoding="utf-8")
        ref.write_text(f"'{PY}' -c pass\n", encoding="utf-8")
        env = {**env, "XDG_STATE_HOME": "/dev/null/no-stamp", "PS1": "$ "}
        self.ref_cmds.setdefault(
            "bash -i + python -c pass", ["bash", "--rcfile", str(ref), "-i", "-c", "true"]
        )
        cmd = ["bash", "--rcfile", str(rc), "-i", "-c", "true"]
        st = self.timed_row(row, cmd, env, "bash -i + python -c pass", 3.0)
        lines = [ln for ln in st["stdout"].splitlines() if ln.strip()]
        row.note = f"{len(lines)} reminder line(s) printed; no stamp (worst case)"

    def completion(self, row: Row, env: dict[str, str]) -> None:
        """One TAB after `termcrm contact show PREFIX` in bash (the first 3 letters of a sample
        contact's email, which begin names too): the completion protocol as the
        script installed by `termcrm --install-completion` drives it. The warm-up run writes
        the command tree's cache, as the first TAB after an install or upgrade does."""
        prefix = self.sample_email[:3]
        env = {
            **env,
            "_TERMCRM_COMPLETE": "complete_bash",
            "COMP_WORDS": f"termcrm contact show {prefix}",
            "COMP_CWORD": "3",
        }
        st = time_cmd(self.crm, env, self.runs, max(1, self.warmup))
        row.value = fmt_stats(st)
        row.data = {k: v for k, v in st.items() if k != "stdout"}
        row.target = "≤ 150 ms"
        row.result = "pass" if st["median"] <= 0.150 else "FAIL"
        found = [ln for ln in st["stdout"].splitlines() if ln.strip()]
        if not found:
            raise Unavailable("no candidates offered")
        row.note = f"{len(found)} candidates for {prefix!r}"

    def search(self, row: Row, env: dict[str, str]) -> None:
        result, _ = probe(["search", str(self.db), SEARCH, str(max(3, self.runs))], env)
        row.value = fmt_stats(result)
        row.target, row.result = "—", "info"
        row.note = f"{result['matches']} matches; {result['calls']}"
        row.data = result

    def search_page(self, row: Row, env: dict[str, str]) -> None:
        result, _ = probe(["search-page", str(self.db), SEARCH, str(max(3, self.runs))], env)
        row.value = fmt_stats(result)
        row.target, row.result = "—", "info"
        row.note = f"{result['rows']} rows of {result['total']}; {result['calls']}"
        row.data = result

    def log_call(self, row: Row, env: dict[str, str]) -> None:
        cmd = [*self.crm, "log", "call", self.sample_email, "Benchmark call",
               "--duration", "5"]  # fmt: skip
        self.timed_row(row, cmd, env, "libs floor", None, runs=max(1, self.runs // 2))
        row.note = f"contact by email ({self.sample_email}); writes to the work copy"

    def kpis(self, row: Row, env: dict[str, str]) -> None:
        result, _ = probe(["kpis", str(self.db), str(max(3, self.runs))], env)
        row.value = fmt_stats(result)
        row.target = "≤ 100 ms"
        row.result = "pass" if result["median"] <= 0.100 else "FAIL"
        row.note = f"{result['calls']}, last 30 days"
        row.data = result

    def dupes(self, row: Row, env: dict[str, str]) -> None:
        """The whole `contact dupes --json` command over every contact (issue #15: ≤ 10 s)."""
        st = time_cmd([*self.crm, "contact", "dupes", "--json"], env, max(1, self.runs // 3), 0)
        row.value = fmt_stats(st)
        row.data = {k: v for k, v in st.items() if k != "stdout"}
        row.target = "≤ 10 s"
        row.result = "pass" if st["median"] <= 10 else "FAIL"
        row.note = f"{len(json.loads(st['stdout']))} likely pairs; the whole command"

    # import -----------------------------------------------------------------------------------
    def _empty_db(self, name: str) -> Path:
        db = self.tmp / name
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        if not hasattr(self, "_empty_template"):
            template = self.tmp / "empty-template.db"
            probe(["init", str(template)], self.env(template))
            self._empty_template = template
        shutil.copyfile(self._empty_template, db)
        return db

    def _import_once(self, csv_path: Path, rows: int) -> Proc:
        db = self._empty_db("import.db")
        env = self.env(db)
        proc = run_proc([*self.crm, "import", "contacts", str(csv_path)], env, timeout=1200)
        if proc.returncode != 0:
            why = first_line(proc.stderr) or first_line(proc.stdout) or "no output"
            raise Unavailable(f"exit {proc.returncode}: {why}")
        import sqlite3

        con = sqlite3.connect(db)
        try:
            n = con.execute("SELECT count(*) FROM contacts").fetchone()[0]
        finally:
            con.close()
        if n != rows:
            raise Unavailable(f"import stored {n} of {rows} contacts")
        return proc

    def imports(self) -> None:
        rows = self.size["import_rows"]
        small, large = self.size["mem_rows"]
        if self.args.import_rows is not None:
            small, large = rows, rows * 10
        self.log(f"writing the import CSVs ({rows:,} / {large:,} rows) ...")
        csv_path = build_csv(rows, self.args.seed)
        raw: dict = {}

        def raw_ref(row: Row) -> None:
            template = self._empty_db("raw.db")
            result, _ = probe(
                ["raw-insert", str(csv_path), str(template), str(self.size["heavy_runs"])],
                self.env(template),
            )
            raw.update(result)
            row.value = f"{result['rows_per_s']:,.0f} rows/s"
            row.target, row.result = "—", "ref"
            row.note = (
                f"into the migrated contacts table (indexes, triggers), one transaction, "
                f"{fmt_stats(result)}; without secondary indexes "
                f"{result['bare_rows_per_s']:,.0f} rows/s"
            )
            row.data = result

        self.figure(f"ref: raw sqlite3 executemany, {rows:,} rows", raw_ref)
        runs: list[Proc] = []

        def against_raw(row: Row, rate: float, limit: float | None) -> None:
            if not raw:
                raise Unavailable("no raw sqlite3 reference")
            ratio = rate / raw["rows_per_s"]
            row.reference = f"{raw['rows_per_s']:,.0f} rows/s raw"
            row.ratio = fmt_ratio(ratio)
            row.data["ratio"] = ratio
            if limit is None:
                row.target, row.result = "—", "info"
            else:
                row.target = f"≥ {limit:g}×"
                row.result = verdict(ratio, limit, at_least=True)

        def service(row: Row) -> None:
            template = self._empty_db("service.db")
            result, _ = probe(
                ["import-service", str(csv_path), str(template), str(self.size["heavy_runs"])],
                self.env(template),
                timeout=1800,
            )
            if result["rows"] != rows:
                raise Unavailable(f"the import created {result['rows']} of {rows} contacts")
            row.value = f"{result['rows_per_s']:,.0f} rows/s"
            row.data = result
            row.note = f"{result['calls']}, {fmt_stats(result)}"
            against_raw(row, result["rows_per_s"], 0.35)

        def speed(row: Row) -> None:
            for _ in range(self.size["heavy_runs"]):
                runs.append(self._import_once(csv_path, rows))
            walls = [p.wall for p in runs]
            med = statistics.median(walls)
            rate = rows / med
            row.value = f"{rate:,.0f} rows/s"
            row.data = {"rows": rows, "rows_per_s": rate, "median": med, "samples": walls}
            row.note = f"whole command incl. start-up, {fmt_time(med)} for {rows:,} rows"
            against_raw(row, rate, None)

        self.figure(f"import service, {rows:,} rows, in-process", service)
        self.figure(f"termcrm import contacts, {rows:,} rows", speed)
        mem: dict[int, int] = {}

        def rss_small(row: Row) -> None:
            if small == rows and runs:
                kb = max(p.maxrss_kb for p in runs)
            else:
                kb = self._import_once(build_csv(small, self.args.seed), small).maxrss_kb
            mem[small] = kb
            row.value = fmt_mb(kb)
            row.target, row.result = "—", "info"
            row.data = {"rows": small, "maxrss_kb": kb}

        def rss_large(row: Row) -> None:
            if small not in mem:
                raise Unavailable(f"no figure at {small:,} rows to compare with")
            path = build_csv(large, self.args.seed)
            proc = self._import_once(path, large)
            kb = proc.maxrss_kb
            ratio = kb / mem[small]
            row.value = fmt_mb(kb)
            row.reference = f"{fmt_mb(mem[small])} at {small:,}"
            row.ratio = fmt_ratio(ratio)
            row.target = "≤ 1.5×"
            row.result = verdict(ratio, 1.5)
            row.note = f"{large / proc.wall:,.0f} rows/s, {fmt_time(proc.wall)}"
            row.data = {"rows": large, "maxrss_kb": kb, "ratio": ratio, "wall": proc.wall}

        self.figure(f"import peak RSS, {small:,} rows", rss_small)
        self.figure(f"import peak RSS, {large:,} rows", rss_large)

    # TUI --------------------------------------------------------------------------------------
    def tui(self, env: dict[str, str]) -> None:
        state: dict = {}

        def first_page(row: Row) -> None:
            result, proc = probe(["tui", str(self.db), SEARCH], env, timeout=300)
            state.update(result, maxrss_kb=proc.maxrss_kb)
            row.value = fmt_time(result["first_page_s"])
            row.target = "≤ 1.0 s"
            row.result = "pass" if result["first_page_s"] <= 1.0 else "FAIL"
            row.note = (
                f"{result['app']}; {result.get('rows_shown')} rows shown; "
                f"+{fmt_time(result['import_s'])} importing the app"
            )
            row.data = result

        def keystroke(row: Row) -> None:
            if not state:
                raise Unavailable("the TUI did not start")
            if "keystrokes" not in state:
                raise Unavailable(state.get("keystroke_error", "no keystrokes measured"))
            ks = state["keystrokes"]
            med, worst = statistics.median(ks), max(ks)
            row.value = f"{fmt_time(med)} (max {fmt_time(worst)})"
            row.target = "≤ 50 ms"
            row.result = "pass" if med <= 0.050 else "FAIL"
            row.note = f"typing {state['query']!r}, until the table changes"
            row.data = {"median": med, "max": worst, "samples": ks}

        def memory(row: Row) -> None:
            if not state:
                raise Unavailable("the TUI did not start")
            kb = state["maxrss_kb"]
            row.value = fmt_mb(kb)
            row.target = "< 300 MB"
            row.result = "pass" if kb < 300 * 1024 else "FAIL"
            row.note = "peak RSS of the headless TUI process"
            row.data = {"maxrss_kb": kb}

        self.figure("TUI time to first page, in-process (headless)", first_page)
        self.figure("TUI search keystroke, in-process (headless)", keystroke)
        self.figure("TUI memory, in-process (headless)", memory)

    def tui_terminal(self, env: dict[str, str]) -> None:
        """The TUI as a person waits for it: `tui_pty.py` on a real pseudo-terminal."""
        state: dict = {}

        def run(row: Row) -> None:
            runs = max(1, self.runs // 2)  # launch ratios are noisy: a median of 5 (full size)
            proc = run_proc(
                [PY, str(HERE / "tui_pty.py"), str(self.db), "--runs", str(runs), "--json"],
                env,
                timeout=1800,
            )
            if proc.returncode != 0:
                raise Unavailable(first_line(proc.stderr) or f"exit {proc.returncode}")
            state.update(json.loads(proc.stdout)["summary"])
            row.value = fmt_time(state["reference_launch"])
            row.target, row.result = "—", "ref"
            row.note = f"a Textual app showing one line, on a pty, {runs} run(s)"
            row.data = state

        def screen(key: str, label: str, limit: float | None, ratio: bool = False) -> None:
            def measure(row: Row) -> None:
                if not state:
                    raise Unavailable("the terminal run failed")
                value = state[key]
                row.value = fmt_time(value)
                row.data = {key: value}
                if ratio:
                    r = value / state["reference_launch"]
                    row.reference = f"{fmt_time(state['reference_launch'])} minimal app"
                    row.ratio, row.target = fmt_ratio(r), f"≤ {limit:g}×"
                    row.result = verdict(r, limit)
                else:
                    row.target = f"≤ {limit * 1000:.0f} ms"
                    row.result = "pass" if value <= limit else "FAIL"
                if key == "keystroke_median":
                    row.note = f"max {fmt_time(state['keystroke_max'])}; typing " + ", ".join(
                        repr(t) for t in state["keys"]
                    )

            self.figure(f"TUI {label}, terminal", measure)

        self.figure("ref: minimal Textual app launch, terminal", run)
        screen("first_page", "launch → first page", 1.5, ratio=True)
        screen("keystroke_median", "search keystroke", 0.050)
        screen("contact", "open a contact", 0.500)
        screen("board", "open the board", 0.300)
        screen("deal_move", "move a deal", 0.300)
        screen("agenda", "open the agenda", 0.500)
        screen("dashboard", "open the dashboard", 0.500)

        def memory(row: Row) -> None:
            if not state:
                raise Unavailable("the terminal run failed")
            kb = state["maxrss_kb"]
            row.value, row.target = fmt_mb(kb), "< 300 MB"
            row.result = "pass" if kb < 300 * 1024 else "FAIL"
            row.data = {"maxrss_kb": kb}

        self.figure("TUI memory, terminal", memory)

    def cleanup(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)


# -- output -------------------------------------------------------------------------------------

HEADERS = ("figure", "value", "reference", "ratio", "target", "result", "notes")


def table(rows: list[Row], before: dict[str, dict] | None = None) -> str:
    """One plain table; with `before` (a previous --json), a column with the old values."""
    headers = HEADERS if before is None else (*HEADERS[:6], "before", HEADERS[6])
    cells = [headers]
    for r in rows:
        line = [r.figure, r.value, r.reference, r.ratio, r.target, r.result, r.note]
        if before is not None:
            old = before.get(r.figure)
            was = "—" if old is None else f"{old['value']} {old.get('ratio') or ''}".strip()
            line.insert(6, was)
        cells.append(tuple(line))
    widths = [max(len(c[i]) for c in cells) for i in range(len(headers) - 1)]
    lines = []
    for i, c in enumerate(cells):
        lines.append(
            "  ".join(v.ljust(w) for v, w in zip(c[:-1], widths, strict=True)) + "  " + c[-1]
        )
        if i == 0:
            lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 5)
    return "\n".join(line.rstrip() for line in lines)


def machine() -> dict:
    info = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }
    try:
        with open("/proc/meminfo") as fh:
            kb = int(fh.readline().split()[1])
        info["memory"] = f"{kb / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    return info


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="reduced size, under two minutes")
    p.add_argument("--json", type=Path, help="also write the results as JSON to this file")
    p.add_argument("--compare", type=Path, help="a previous --json file: show its values beside")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--keep", action="store_true", help="keep the temporary work directory")
    hidden = argparse.SUPPRESS
    p.add_argument("--tiny", action="store_true", help=hidden)  # the smoke test's size
    for key in ("contacts", "interactions", "deals", "tasks", "import-rows", "runs"):
        p.add_argument(f"--{key}", type=int, default=None, help=hidden)
    p.add_argument("--json-only", action="store_true", help=hidden)
    p.add_argument("--cache-dir", type=Path, default=None, help=hidden)
    args = p.parse_args(argv)
    if args.cache_dir is not None:
        global CACHE
        CACHE = args.cache_dir

    bench = Bench(args)
    started = datetime.now(UTC)
    load_before = os.getloadavg()
    try:
        bench.run()
    finally:
        if args.keep:
            print(f"[bench] work directory kept: {bench.tmp}", file=sys.stderr)
        else:
            bench.cleanup()
    meta = {
        "date": started.strftime("%Y-%m-%d %H:%M UTC"),
        "mode": bench.mode,
        "size": {k: v for k, v in bench.size.items()},
        "seed": args.seed,
        "machine": machine(),
        "data_set": bench.build,
        "elapsed_s": round(bench.elapsed, 1),
        # other programs' load skews every figure; the ratios less than the absolute times
        "load_avg_1m": {"start": load_before[0], "end": os.getloadavg()[0]},
    }
    s = bench.size
    print(
        f"termcrm benchmark ({bench.mode}) {meta['date']}: {s['contacts']:,} contacts, "
        f"{s['interactions']:,} interactions, {s['deals']:,} deals, {s['tasks']:,} open tasks; "
        f"python {meta['machine']['python']}, {meta['machine']['cpus']} CPUs, "
        f"{meta['machine'].get('memory', '?')}"
    )
    built = bench.build
    how = f"built in {built['seconds']:.1f} s" if built["fresh"] else "from cache"
    print(f"data set {built['file']} ({how}); {bench.runs} runs after {bench.warmup} warm-up")
    load = meta["load_avg_1m"]
    print(f"load average (1 min) {load['start']:.1f} at the start, {load['end']:.1f} at the end")
    print()
    before = None
    if args.compare:
        try:
            old = json.loads(args.compare.read_text(encoding="utf-8"))
            before = {row["figure"]: row for row in old["rows"]}
            print(f"before: {args.compare} ({old['meta']['date']}, {old['meta']['mode']})")
        except (OSError, ValueError, KeyError) as exc:
            print(f"cannot compare with {args.compare}: {exc}", file=sys.stderr)
    print(table(bench.rows, before))
    print()
    print(f"total {bench.elapsed:.0f} s")
    if args.json:
        payload = {"meta": meta, "rows": [asdict(r) for r in bench.rows]}
        args.json.write_text(json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
