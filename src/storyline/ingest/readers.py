"""Ingest stage: find and read inputs — files, folders (recursively), globs, JSONL, WARC, URL lists.

Readers stream: they yield one SourceItem (or a Rejection for an input that cannot be read) at a time,
so memory does not grow with the corpus. They do no cleaning; that is document.py's job.

What a file is comes from its name: ``.txt``/``.text``/``.md`` (plain text; the first line may be the
headline), ``.html``/``.htm``/``.xhtml``/``.shtml``, ``.jsonl``/``.ndjson`` (one article per line),
``.json`` (one article object, or an array of them), ``.warc``/``.arc`` (web archives, see warc.py), ``.urls`` (one URL per line, fetched: see fetch.py), each
optionally ``.gz``; any other name is read as one article and recognised by content (HTML or text;
binaries are rejected with E004). A file that cannot be read becomes a Rejection naming the file (and
the line, for JSONL), and the rest of the batch goes on.
"""

from __future__ import annotations

import glob
import gzip
import os
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from storyline.errors import Code, RejectedInput
from storyline.ingest.source import SourceItem
from storyline.model import Rejection
from storyline.settings import Settings

TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
JSON_SUFFIXES = {".json"}
WARC_SUFFIXES = {".warc", ".arc"}
URL_LIST_SUFFIXES = {".urls"}


def _suffixes(path: Path) -> tuple[str, bool]:
    """(the meaningful suffix, gzipped?) of a path: ``a.warc.gz`` -> (".warc", True)."""
    name = path.name.lower()
    gz = name.endswith(".gz")
    if gz:
        name = name[:-3]
    return Path(name).suffix, gz


def is_url(text: str) -> bool:
    """True for http(s) URLs."""
    return text.startswith(("http://", "https://"))


def expand_inputs(inputs: Iterable[str]) -> Iterator[str | Rejection]:
    """Each input as files to read (folders walked in sorted order, globs expanded), URLs kept as they are;
    a path that does not exist becomes a Rejection (E001)."""
    for raw_input in inputs:
        if is_url(raw_input):
            yield raw_input
            continue
        if any(ch in raw_input for ch in "*?["):
            matches = sorted(glob.glob(raw_input, recursive=True))
            if not matches:
                yield Rejection(raw_input, "ingest", Code.E001.name, f"{raw_input}: the pattern matches no file")
            for match in matches:
                yield from expand_inputs([match])
            continue
        path = Path(raw_input)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        yield str(Path(root) / name)
        elif path.exists():
            yield str(path)
        else:
            yield Rejection(raw_input, "ingest", Code.E001.name, f"{raw_input}: no such file or folder")


def read_path(path: str, settings: Settings) -> Iterator[SourceItem | Rejection]:
    """The items in one file (one for .txt/.html, one per line for JSONL, one per response for WARC)."""
    p = Path(path)
    suffix, gz = _suffixes(p)
    try:
        size = p.stat().st_size
        if size > settings.max_file_bytes and suffix not in JSONL_SUFFIXES | WARC_SUFFIXES:
            yield Rejection(path, "ingest", Code.E005.name, f"{path} is {size:,} bytes, over the limit of {settings.max_file_bytes:,} (setting max_file_bytes)")
            return
        if suffix in JSONL_SUFFIXES:
            yield from read_jsonl(path, gz, settings.max_file_bytes)
        elif suffix in JSON_SUFFIXES:
            yield from read_json(path, _read_bytes(p, gz, settings.max_file_bytes))
        elif suffix in WARC_SUFFIXES:
            from storyline.ingest.warc import read_warc

            yield from read_warc(path, settings)
        elif suffix in URL_LIST_SUFFIXES:
            urls = read_url_list(path)
            if not urls:
                yield Rejection(path, "ingest", Code.E003.name, f"{path}: the URL list holds no http(s) URL")
                return
            from storyline.ingest.fetch import fetch_urls

            yield from fetch_urls(urls, settings)
        else:
            raw = _read_bytes(p, gz, settings.max_file_bytes)
            fmt = "html" if suffix in HTML_SUFFIXES else "txt" if suffix in TEXT_SUFFIXES else "auto"
            yield SourceItem(uri=path, raw=raw, format=fmt)
    except RejectedInput as exc:
        yield exc.rejection()
    except PermissionError:
        yield Rejection(path, "ingest", Code.E002.name, f"{path}: permission denied")
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        yield Rejection(path, "ingest", Code.E006.name, f"{path}: truncated or corrupt compressed file ({exc})")
    except IsADirectoryError:
        yield Rejection(path, "ingest", Code.E002.name, f"{path}: is a directory")
    except OSError as exc:
        yield Rejection(path, "ingest", Code.E002.name, f"{path}: cannot read ({exc.strerror or exc})")


def _read_bytes(path: Path, gz: bool, limit: int) -> bytes:
    """The file's bytes (decompressed), refusing with E005 past ``limit`` (a small .gz can hold gigabytes)."""
    if gz:
        with gzip.open(path, "rb") as fh:
            raw = fh.read(limit + 1)
        if len(raw) > limit:
            raise RejectedInput(
                Code.E005, f"{path} decompresses to over {limit:,} bytes (setting max_file_bytes)", str(path)
            )
        return raw
    return path.read_bytes()


def read_jsonl(path: str, gz: bool = False, limit: int | None = None) -> Iterator[SourceItem | Rejection]:
    """One SourceItem per non-blank line (1-based line numbers in ``line`` and the uri ``path:LINE``).

    A binary file with a .jsonl name is one E004 rejection (not one per "line"); an empty file is E003;
    a gzip stream cut short yields the lines before the cut, then E006 naming the last good line.
    A line over ``limit`` bytes is E005 for that line, skipped without being held in memory.
    """
    from storyline.ingest.decode import sniff_binary

    with open(path, "rb") as probe:
        head = probe.read(8192)
    if head.startswith(b"\x1f\x8b"):
        gz = True  # gzipped JSONL without the .gz suffix: read it anyway
    elif not head.strip():
        yield Rejection(path, "ingest", Code.E003.name, f"{path} is empty")
        return
    elif what := sniff_binary(head):
        yield Rejection(path, "ingest", Code.E004.name, f"{path} is {what}, not JSON lines")
        return
    opener = gzip.open if gz else open
    number = 0
    found = False
    try:
        with opener(path, "rb") as fh:  # type: ignore[operator]
            while line := (fh.readline(limit + 1) if limit else fh.readline()):
                number += 1
                if limit and len(line) > limit and not line.endswith(b"\n"):
                    while (rest := fh.readline(1 << 20)) and not rest.endswith(b"\n"):
                        pass  # the rest of the over-long line, read in bounded pieces and dropped
                    yield Rejection(
                        f"{path}:{number}", "ingest", Code.E005.name,
                        f"{path}:{number}: the JSON line is over the limit of {limit:,} bytes (setting max_file_bytes)", line=number,
                    )
                    found = True
                    continue
                if not line.strip():
                    continue
                found = True
                yield SourceItem(uri=f"{path}:{number}", raw=line.rstrip(b"\r\n"), format="jsonl", line=number)
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        yield Rejection(
            path, "ingest", Code.E006.name,
            f"{path}: truncated or corrupt compressed file after line {number} ({exc}); the lines before were read",
            line=number + 1,
        )
        return
    if not found:
        yield Rejection(path, "ingest", Code.E003.name, f"{path} holds no JSON line")


def read_json(path: str, raw: bytes) -> Iterator[SourceItem | Rejection]:
    """A .json file: one article object (like a JSONL line), or an array of them (source ``path:INDEX``,
    1-based). Anything else is E007."""
    import json

    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        yield Rejection(path, "ingest", Code.E007.name, f"{path}: not valid JSON ({exc})")
        return
    if isinstance(data, dict):
        yield SourceItem(uri=path, raw=raw.strip(), format="jsonl")
    elif isinstance(data, list):
        if not data:
            yield Rejection(path, "ingest", Code.E003.name, f"{path} is an empty JSON array")
        for index, element in enumerate(data, start=1):
            encoded = json.dumps(element, ensure_ascii=False, sort_keys=True).encode("utf-8")
            yield SourceItem(uri=f"{path}:{index}", raw=encoded, format="jsonl", line=index)
    else:
        yield Rejection(path, "ingest", Code.E007.name, f"{path}: expected an article object or an array of them, got {type(data).__name__}")


def read_url_list(path: str) -> list[str]:
    """URLs from a list file: one per line, blank lines and # comments skipped."""
    with open(path, encoding="utf-8", errors="replace") as fh:
        return [line.strip() for line in fh if line.strip() and not line.lstrip().startswith("#")]


def iter_items(inputs: Iterable[str], settings: Settings) -> Iterator[SourceItem | Rejection]:
    """Every item of every input, streamed, in a stable order."""
    urls: list[str] = []
    for entry in expand_inputs(inputs):
        if isinstance(entry, Rejection):
            yield entry
        elif is_url(entry):
            urls.append(entry)
        else:
            yield from read_path(entry, settings)
    if urls:
        from storyline.ingest.fetch import fetch_urls

        yield from fetch_urls(urls, settings)
