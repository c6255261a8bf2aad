"""CSV files: reading them as users have them, writing them safely.

Reading (`open_source`): encoding, delimiter, notes before the header.

- Encoding: a byte-order mark (UTF-8, UTF-16) decides; otherwise the whole file is checked as
  UTF-8 in one cheap streaming pass, and read as cp1252 (Excel, Outlook on Windows) when it is
  not. The five bytes cp1252 leaves undefined read as latin-1, so any byte sequence decodes.
- Delimiter: `,`, `;` or tab, whichever splits the header row into the most known columns.
- Header: the first of the first 30 lines holding at least two known column names (LinkedIn's
  Connections.csv starts with notes); else the first line.
- Records stream one at a time, each with the file line it starts on (quoted newlines make
  line and record numbers differ).

Writing (`cell`, `writer`, `write_csv`): what spreadsheet programs cannot be tricked by
(OWASP CSV injection).

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with `'`
so that Excel, LibreOffice and Google Sheets show it as text instead of running it as a
formula. A cell that already starts with `'` gets one more, so that `unescape` can reverse
every escape exactly when termcrm reads its own files back (`'=x` -> `''=x` -> `'=x`).

Lists (tags) are written as `a; b`, or as a JSON array when an item itself holds a `;` or
would not survive the split; dicts (custom fields) as a JSON object. `split_list` reads both.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from termcrm.errors import Invalid, StoreError
from termcrm.services.transfer.sources import norm

csv.field_size_limit(64 * 1024 * 1024)

_SCAN = 30
_CHUNK = 1 << 20
DELIMITERS = {",": ",", ";": ";", "tab": "\t", "\\t": "\t", "\t": "\t", "|": "|"}


def _latin1_fallback(exc: UnicodeDecodeError):
    bad = exc.object[exc.start : exc.end]
    return "".join(chr(b) for b in bad), exc.end


codecs.register_error("termcrm-latin1", _latin1_fallback)


def detect_encoding(path: Path) -> str:
    """`utf-8-sig`, `utf-16` (with a BOM, or `-le`/`-be` by its NUL bytes) or `cp1252`,
    from the BOM or by trying UTF-8 over the whole file."""
    with path.open("rb") as fh:
        head = fh.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        fh.seek(0)
        sample = fh.read(512)
        if len(sample) >= 4 and sample.count(0) * 3 >= len(sample):
            # UTF-16 without a byte-order mark: text is every other byte NUL
            odd_nuls = sample[1::2].count(0)
            return "utf-16-le" if odd_nuls > sample[0::2].count(0) else "utf-16-be"
        fh.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := fh.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8"


def _encoding(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError as exc:
        raise Invalid(f"Unknown encoding {name!r}; try utf-8, cp1252 or latin-1") from exc


def delimiter_of(value: str) -> str:
    d = DELIMITERS.get(value, value)
    if len(d) != 1:
        raise Invalid(f"Invalid delimiter {value!r}: one character, or 'tab'")
    return d


@dataclass
class Source:
    """An open CSV file positioned after its header row."""

    path: Path
    encoding: str
    delimiter: str
    headers: list[str]
    header_line: int  # 1-based
    size: int
    _raw: io.BufferedReader
    _text: io.TextIOWrapper
    _rest: Iterable[str]

    def position(self) -> int:
        """Bytes read so far (for progress)."""
        try:
            return min(self._raw.tell(), self.size)
        except (OSError, ValueError):
            return self.size

    def records(self) -> Iterator[tuple[int, list[str]]]:
        """(file line where the record starts, cells) for each non-blank record.

        A quote that never closes swallows the rest of the file into one value; that is
        found after the last record and raised as an unclosed quote at its line.
        """
        reader = csv.reader(self._rest, delimiter=self.delimiter, strict=False)
        offset = self.header_line
        last = start = 0
        span = 1
        try:
            for cells in reader:
                start = offset + last + 1
                span = reader.line_num - last
                last = reader.line_num
                if cells and (len(cells) > 1 or cells[0].strip()):
                    yield start, cells
        except csv.Error as exc:
            raise Invalid(f"line {offset + last + 1}: cannot read the file: {exc}") from exc
        if span > 1 and self._unclosed_from(start):
            raise Invalid(
                f"line {start}: a quoted value starts here and its closing quote is missing "
                "(an unclosed quote), so the rest of the file reads as one value"
            )

    def _unclosed_from(self, line: int) -> bool:
        """Whether the file from `line` on holds an odd number of quote characters (a
        multi-line last record: either a long quoted value or a quote left open)."""
        quotes = 0
        with open(self.path, encoding=self.encoding, errors="replace", newline="") as fh:
            for no, text in enumerate(fh, 1):
                if no >= line:
                    quotes += text.count('"')
        return quotes % 2 == 1

    def close(self) -> None:
        self._text.close()

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_source(
    path: Path,
    known: set[str],
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> Source:
    """Open `path`, work out its encoding, delimiter and header row (see the module doc)."""
    path = Path(path).expanduser()
    if not path.exists():
        raise Invalid(f"No such file: {path}")
    if path.is_dir():
        raise Invalid(f"{path} is a directory, not a file")
    enc = _encoding(encoding) if encoding else detect_encoding(path)
    if enc == "utf-8" and encoding is None:
        enc = "utf-8-sig"  # harmless without a BOM
    errors = "termcrm-latin1" if enc in ("cp1252", "windows-1252") else "strict"
    try:
        raw = open(path, "rb", buffering=_CHUNK)  # noqa: SIM115 - closed by Source.close
    except OSError as exc:
        raise Invalid(f"Cannot read {path}: {exc.strerror or exc}") from exc
    text = io.TextIOWrapper(raw, encoding=enc, errors=errors, newline="")
    try:
        head = list(itertools.islice(text, _SCAN))
    except UnicodeDecodeError as exc:
        text.close()
        raise Invalid(f"{path} is not {enc}: {exc.reason}; try --encoding cp1252") from exc
    if not head:
        text.close()
        raise Invalid(f"{path} is empty: a header row is required")

    choices = [delimiter_of(delimiter)] if delimiter else [",", ";", "\t"]
    best = None  # (line index, delimiter, cells)
    for idx, line in enumerate(head):
        scores = []
        for d in choices:
            cells = next(csv.reader([line], delimiter=d), [])
            hits = sum(1 for c in cells if norm(c) in known)
            scores.append((hits, d, cells))
        hits, d, cells = max(scores, key=lambda s: s[0])
        if hits >= 2:
            best = (idx, d, cells)
            break
    if best is None:
        first = head[0]
        d = choices[0] if delimiter else max(choices, key=lambda c: first.count(c))
        best = (0, d, next(csv.reader([first], delimiter=d), []))
    idx, d, _ = best
    rest = itertools.chain(head[idx:], text)
    reader = csv.reader(rest, delimiter=d, strict=False)
    try:
        headers = next(reader)
    except (StopIteration, csv.Error) as exc:
        text.close()
        raise Invalid(f"{path}: cannot read the header row") from exc
    headers = [h.strip().lstrip("\ufeff").strip() for h in headers]
    header_line = idx + reader.line_num
    size = os.fstat(raw.fileno()).st_size
    # `rest` continues after the header: records() reads on from the same iterator.
    return Source(path, enc, d, headers, header_line, size, raw, text, rest)


# -- writing ----------------------------------------------------------------------------------

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = "; "


def escape(value: str) -> str:
    return "'" + value if value.startswith((*DANGEROUS, "'")) else value


#: the characters `escape` put a `'` before (each a single character)
ESCAPED_SECOND = frozenset((*DANGEROUS, "'"))


def unescape(value: str) -> str:
    # called for every cell of an import: a slice test instead of two startswith calls
    # (the importer inlines the same test)
    if value[:1] == "'" and value[1:2] in ESCAPED_SECOND:
        return value[1:]
    return value


def _list_cell(items: Iterable[Any]) -> str:
    items = list(items)
    if not all(isinstance(v, str) for v in items):  # e.g. a stage history: JSON
        return json.dumps(items, ensure_ascii=False) if items else ""
    items = [str(v) for v in items]
    plain = all(v and ";" not in v and v == v.strip() and not v.startswith("[") for v in items)
    if plain:
        return LIST_SEPARATOR.join(items)
    return json.dumps(items, ensure_ascii=False)


def split_list(value: str, sep: str = ";") -> list[str]:
    """The items of a list cell as `cell` writes it (`a; b` or a JSON array)."""
    v = value.strip()
    if not v:
        return []
    if v.startswith("["):
        try:
            items = json.loads(v)
        except ValueError:
            items = None
        if isinstance(items, list) and all(isinstance(i, str) for i in items):
            return items
    return [part.strip() for part in v.split(sep) if part.strip()]


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        value = _list_cell(value)
    elif isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""
    return escape(str(value))


def writer(fh: IO[str]):
    """The csv writer termcrm uses for every file it writes (`\\n` line ends, minimal quoting)."""
    return csv.writer(fh, lineterminator="\n")


def write_csv(
    fh: IO[str], rows: Iterable[dict[str, Any]], columns: Sequence[str] | None = None
) -> None:
    """A header row and one row per record; `rows` may be any iterable (streamed)."""
    it = iter(rows)
    first = None
    if columns is None:
        first = next(it, None)
        columns = list(first.keys()) if first else []
    w = writer(fh)
    w.writerow(columns)
    if first is not None:
        w.writerow([cell(first.get(c)) for c in columns])
    for row in it:
        w.writerow([cell(row.get(c)) for c in columns])


def open_private(path: str | Path) -> IO[str]:
    """A new or truncated text file readable only by its owner (mode 0600)."""
    p = Path(path).expanduser()
    try:
        fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o600)
    except OSError as exc:
        raise StoreError(f"Cannot write {p}: {exc.strerror or exc}") from exc
    return os.fdopen(fd, "w", encoding="utf-8", newline="")


def rejects_path(source: Path) -> Path:
    """Where `--skip-bad` writes the bad rows by default: `contacts.csv` ->
    `contacts.rejects.csv`, beside the input."""
    return source.with_name(source.stem + ".rejects.csv")


class Rejects:
    """The bad rows of an import as a CSV to fix and import again: the original header
    plus `line` and `error` columns, cells as the file had them (mode 0600; created at
    the first bad row). A ragged row is padded to the header's width."""

    def __init__(self, path: Path, header: list[str] | None) -> None:
        self.path = path
        self.header = header
        self.count = 0
        self._fh: IO[str] | None = None
        self._w: Any = None

    def add(self, line: int, reason: str, raw: list[str] | None) -> None:
        if self._fh is None:
            self._fh = open_private(self.path)
            self._w = writer(self._fh)
            self._w.writerow([*(self.header or []), "line", "error"])
        cells = list(raw or []) if self.header is not None else []
        if self.header is not None and len(cells) < len(self.header):
            cells += [""] * (len(self.header) - len(cells))
        self._w.writerow([*cells, line, reason])
        self.count += 1

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()

    def discard(self) -> None:
        """The import failed: no rejects file is left behind."""
        self.close()
        if self.count:
            self.path.unlink(missing_ok=True)
