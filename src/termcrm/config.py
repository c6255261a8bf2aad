"""The user's settings file: `config.toml` in the platformdirs config dir.

`TERMCRM_CONFIG` points elsewhere. A missing file means the defaults; a file that is not
valid TOML is an `Invalid` error naming it. Read with the standard library (tomllib).

    [cadence]            # stay-in-touch defaults per lifecycle stage
    customer = "60d"
    prospect = "30d"
    lead = "0"           # 0 or "never": no reminder
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from termcrm.errors import Invalid

CONFIG_ENV = "TERMCRM_CONFIG"


def config_path() -> Path:
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env).expanduser()
    if sys.platform.startswith("linux"):  # what platformdirs says, without its import cost
        base = os.environ.get("XDG_CONFIG_HOME", "")
        if not os.path.isabs(base):
            base = os.path.expanduser("~/.config")
        return Path(base) / "termcrm" / "config.toml"
    import platformdirs

    return platformdirs.user_config_path("termcrm") / "config.toml"


def load() -> dict[str, Any]:
    """The settings as a dict; `{}` when there is no file."""
    path = config_path()
    try:
        with path.open("rb") as fh:
            raw = fh.read()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise Invalid(f"Cannot read the config file {path}: {exc.strerror or exc}") from exc
    import tomllib

    try:
        return tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise Invalid(f"The config file {path} is not valid TOML: {exc}") from exc


def section(name: str) -> dict[str, Any]:
    data = load().get(name, {})
    if not isinstance(data, dict):
        raise Invalid(f"[{name}] in {config_path()} must be a table")
    return data
