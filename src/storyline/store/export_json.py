"""Store stage: the `story.json` export — the public contract of storyline's records — and its JSON Schema.

The schema is derived from model.py (one source of truth) and kept in the repository as
schema/story.schema.json; a test fails when the two drift apart.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal, Union

from storyline import __version__
from storyline.model import RECORD_TYPES, SCHEMA_VERSION, to_dict
from storyline.store.workspace import Workspace

# The order of sections in story.json (plural names of record kinds).
SECTIONS: dict[str, str] = {
    "documents": "document",
    "rejections": "rejection",
    "mentions": "mention",
    "roles": "role",
    "entities": "entity",
    "judgements": "judgement",
    "timexes": "timex",
    "event_mentions": "event_mention",
    "events": "event",
    "timeline": "timeline_entry",
    "attributions": "attribution",
    "claims": "claim",
    "propositions": "proposition",
    "contradictions": "contradiction",
    "duplicate_groups": "duplicate_group",
    "stories": "story",
    "outlet_reports": "outlet_report",
}


def iter_section(ws: Workspace, kind: str) -> Iterator[Any]:
    """Records of one kind from the workspace (documents and rejections come from their own tables)."""
    if kind == "document":
        yield from ws.documents()
    elif kind == "rejection":
        yield from ws.rejections()
    elif kind == "timeline_entry":  # the store keeps no order; the timeline is read in date order
        from storyline.story.timeline import ordered

        yield from ordered(list(ws.records(kind)))
    else:
        yield from ws.records(kind)


def story_dict(ws: Workspace) -> dict[str, Any]:
    """The whole workspace as the story.json structure."""
    out: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "generator": f"storyline {__version__}"}
    for section, kind in SECTIONS.items():
        out[section] = [to_dict(r) for r in iter_section(ws, kind)]
    return out


def write_json(ws: Workspace, path: str | Path) -> Path:
    """Write story.json (streamed section by section, so memory stays bounded by one record)."""
    path = Path(path)
    with path.open("w", encoding="utf-8") as fh:
        fh.write('{"schema_version": %s, "generator": %s' % (json.dumps(SCHEMA_VERSION), json.dumps(f"storyline {__version__}")))
        for section, kind in SECTIONS.items():
            fh.write(f', "{section}": [')
            for i, record in enumerate(iter_section(ws, kind)):
                if i:
                    fh.write(", ")
                fh.write(json.dumps(to_dict(record), ensure_ascii=False))
            fh.write("]")
        fh.write("}\n")
    return path


# -- JSON Schema derived from the dataclasses --------------------------------------------------------


def _type_schema(tp: Any, defs: dict[str, Any]) -> dict[str, Any]:
    origin = typing.get_origin(tp)
    if tp is type(None):
        return {"type": "null"}
    if origin in (Union, types.UnionType):
        return {"anyOf": [_type_schema(a, defs) for a in typing.get_args(tp)]}
    if origin is Literal:
        return {"enum": list(typing.get_args(tp))}
    if origin is tuple:
        return {"type": "array", "items": _type_schema(typing.get_args(tp)[0], defs)}
    if origin is dict:
        return {"type": "object"}
    if dataclasses.is_dataclass(tp):
        name = tp.__name__
        if name not in defs:
            defs[name] = {}  # placeholder against recursion
            hints = typing.get_type_hints(tp)
            fields = dataclasses.fields(tp)
            defs[name] = {
                "type": "object",
                "description": (tp.__doc__ or "").strip().split("\n")[0],
                "properties": {f.name: _type_schema(hints[f.name], defs) for f in fields},
                "required": [f.name for f in fields],
                "additionalProperties": False,
            }
        return {"$ref": f"#/$defs/{name}"}
    return {str: {"type": "string"}, int: {"type": "integer"}, float: {"type": "number"}, bool: {"type": "boolean"}}[tp]


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of story.json."""
    defs: dict[str, Any] = {}
    properties: dict[str, Any] = {"schema_version": {"const": SCHEMA_VERSION}, "generator": {"type": "string"}}
    for section, kind in SECTIONS.items():
        properties[section] = {"type": "array", "items": _type_schema(RECORD_TYPES[kind], defs)}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://storyline.invalid/schema/story-{SCHEMA_VERSION}.json",
        "title": "storyline story.json",
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
        "$defs": defs,
    }


SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema" / "story.schema.json"


def write_schema(path: Path = SCHEMA_PATH) -> Path:
    """Regenerate the schema file shipped in the package (run after changing model.py)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(json_schema(), indent=2) + "\n", encoding="utf-8")
    return path
