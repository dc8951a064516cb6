"""Load and validate instrument files.

Every file is checked against ``instrument.schema.yaml`` and then for cross-references;
the first problem found in a file raises :class:`InstrumentError` naming the file,
the item and what is wrong, so a broken file stops the app at start-up.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import jsonschema
import yaml

from surveys.model import (
    ROLES,
    STAGE_KINDS,
    FreeText,
    Instrument,
    Item,
    Option,
    Registry,
    Scale,
    Scoring,
    ShortForm,
)

BUILTIN_DIR = Path(__file__).parent / "instruments"
SCHEMA_FILE = Path(__file__).parent / "instrument.schema.yaml"
SUFFIXES = (".yaml", ".yml", ".json")


class InstrumentError(ValueError):
    """A file that cannot be used as an instrument."""

    def __init__(self, file: Path | str, message: str, item: str | None = None):
        self.file = str(file)
        self.item = item
        self.message = message
        where = f"{self.file}, item {item}" if item else self.file
        super().__init__(f"{where}: {message}")


@cache
def _validator() -> jsonschema.Draft202012Validator:
    schema = yaml.safe_load(SCHEMA_FILE.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def content_hash(raw: dict) -> str:
    """SHA-256 of the file's content in canonical form (key order and layout do not count)."""
    canonical = json.dumps(raw, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _read(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
        raw = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, json.JSONDecodeError) as exc:
        raise InstrumentError(path, f"cannot be read: {exc}") from exc
    if not isinstance(raw, dict):
        raise InstrumentError(path, "must hold a mapping of fields (id, version, title, ...)")
    return raw


def _item_at(raw: dict, path: Iterable) -> str | None:
    """The id of the item or free-text question a schema error path points into."""
    path = list(path)
    if len(path) >= 2 and path[0] in ("items", "free_text") and isinstance(path[1], int):
        entries = raw.get(path[0]) or []
        entry = entries[path[1]] if path[1] < len(entries) else None
        if isinstance(entry, dict) and entry.get("id"):
            return str(entry["id"])
        return f"number {path[1] + 1} in {path[0]}"
    return None


def _check_schema(path: Path, raw: dict) -> None:
    errors = sorted(_validator().iter_errors(raw), key=lambda e: list(map(str, e.path)))
    if errors:
        err = errors[0]
        field = ".".join(str(p) for p in err.path) or "(top level)"
        raise InstrumentError(path, f"{field}: {err.message}", item=_item_at(raw, err.path))


def _build(path: Path, raw: dict) -> Instrument:
    scales = {
        sid: Scale(sid, tuple(Option(**opt) for opt in spec["options"]))
        for sid, spec in raw["scales"].items()
    }
    for scale in scales.values():
        codes = scale.codes
        if len(set(codes)) != len(codes):
            raise InstrumentError(path, f"scale {scale.id} repeats an option code")
    domains = {d["id"]: d["title"] for d in raw.get("domains", [])}
    kind = raw.get("kind", "scored")
    items: list[Item] = []
    seen: set[str] = set()
    for entry in raw["items"]:
        item_id = entry["id"]
        if item_id in seen:
            raise InstrumentError(path, "this item id is used twice; ids must be unique", item_id)
        seen.add(item_id)
        item_type = entry.get("type", "choice")
        scale = None
        if item_type == "choice":
            if "scale" not in entry:
                raise InstrumentError(path, "a choice item needs a scale", item_id)
            if entry["scale"] not in scales:
                known = ", ".join(sorted(scales))
                raise InstrumentError(
                    path, f"scale {entry['scale']!r} is not defined (defined: {known})", item_id
                )
            scale = scales[entry["scale"]]
        elif "pattern" in entry:
            try:
                re.compile(entry["pattern"])
            except re.error as exc:
                raise InstrumentError(
                    path, f"pattern is not a valid regex: {exc}", item_id
                ) from exc
        if domains and entry.get("domain") not in domains:
            raise InstrumentError(
                path, f"domain {entry.get('domain')!r} is not one of {', '.join(domains)}", item_id
            )
        if kind == "scored" and scale and not any(o.value is not None for o in scale.options):
            raise InstrumentError(path, "a scored item needs a scale with numeric values", item_id)
        items.append(
            Item(
                id=item_id,
                text=entry["text"].strip(),
                type=item_type,
                scale=scale,
                domain=entry.get("domain"),
                hint=entry.get("hint"),
                lead_in=entry.get("lead_in"),
                pattern=entry.get("pattern"),
                pattern_message=entry.get("pattern_message"),
                max_length=entry.get("max_length"),
                roles=tuple(entry.get("roles", ROLES)),
                stage_kinds=tuple(entry.get("stage_kinds", STAGE_KINDS)),
                sectors=tuple(entry["sectors"]) if entry.get("sectors") else None,
                short_text=entry.get("short_text"),
            )
        )
    free_text = tuple(
        FreeText(
            id=f["id"],
            text=f["text"],
            hint=f.get("hint"),
            max_length=f.get("max_length", 2000),
            roles=tuple(f.get("roles", ROLES)),
        )
        for f in raw.get("free_text", [])
    )
    for f in free_text:
        if f.id in seen:
            raise InstrumentError(path, "free-text id repeats an item id", f.id)
    scoring = None
    if "scoring" in raw:
        spec = raw["scoring"]
        scoring = Scoring(
            method=spec["method"],
            min_answered=spec["min_answered"],
            by_domain=spec.get("by_domain", False),
            description=spec.get("description", ""),
        )
        if spec["min_answered"] > 1 and spec["min_answered"] > len(items):
            raise InstrumentError(
                path, f"scoring.min_answered {spec['min_answered']} exceeds {len(items)} items"
            )
    elif kind == "scored":
        raise InstrumentError(path, "a scored instrument needs a scoring rule")
    short_forms = _short_forms(path, raw, items)
    return Instrument(
        id=raw["id"],
        version=str(raw["version"]),
        title=raw["title"],
        short_title=raw.get("short_title"),
        language=raw["language"],
        attribution=raw["attribution"].strip(),
        licence=raw.get("licence"),
        intro=raw.get("intro"),
        kind=kind,
        domains=domains,
        items=tuple(items),
        free_text=free_text,
        scoring=scoring,
        short_forms=short_forms,
        content_hash=content_hash(raw),
        source_file=str(path),
        definition=raw,
    )


def _short_forms(path: Path, raw: dict, items: list[Item]) -> tuple[ShortForm, ...]:
    """The ``short_forms`` block, checked against this file's own items; the short form's
    instrument and items are checked once every file is loaded (``check_short_forms``)."""
    scored = {i.id for i in items if i.type == "choice" and i.scale is not None}
    forms = []
    for entry in raw.get("short_forms", []):
        target = entry["instrument"]
        if target == raw["id"]:
            raise InstrumentError(path, f"short form {target!r} names this instrument itself")
        for own in entry["items"]:
            if own not in scored:
                raise InstrumentError(
                    path,
                    f"short form {target!r} maps {own!r}, which is not a choice item of this "
                    "instrument; use the id of one of its statements",
                    own,
                )
        mapped = list(entry["items"].values())
        if len(set(mapped)) != len(mapped):
            raise InstrumentError(
                path, f"short form {target!r} maps two items to the same {target} item"
            )
        forms.append(ShortForm(target, tuple(entry["items"].items())))
    return tuple(forms)


def check_short_forms(instruments: Iterable[Instrument]) -> None:
    """Every short form names a loaded scored instrument and its items, and each mapped pair
    of items has the same scored answers (codes and values), so an answer means the same
    in both. Raises InstrumentError naming the file that declares the short form."""
    by_id = {i.id: i for i in instruments}
    for instrument in by_id.values():
        for form in instrument.short_forms:
            target = by_id.get(form.instrument)
            if target is None or target.scoring is None:
                raise InstrumentError(
                    instrument.source_file,
                    f"short form {form.instrument!r} is not a loaded scored instrument "
                    f"(loaded: {', '.join(sorted(by_id))})",
                )
            for own, theirs in form.items:
                try:
                    other = target.item(theirs)
                except KeyError:
                    raise InstrumentError(
                        instrument.source_file,
                        f"short form {form.instrument!r} has no item {theirs!r} "
                        f"(its items: {', '.join(i.id for i in target.items)})",
                        own,
                    ) from None
                if other.scale is None or other.scale.values != instrument.item(own).scale.values:
                    raise InstrumentError(
                        instrument.source_file,
                        f"the answers that score differ from those of {form.instrument} item "
                        f"{theirs!r}; a short form item needs the same codes and values",
                        own,
                    )


def load_file(path: Path | str) -> Instrument:
    path = Path(path)
    raw = _read(path)
    _check_schema(path, raw)
    return _build(path, raw)


def instrument_files(*directories: Path | str | None) -> list[Path]:
    files: list[Path] = []
    for directory in directories:
        if directory and Path(directory).is_dir():
            files += sorted(p for p in Path(directory).iterdir() if p.suffix in SUFFIXES)
    return files


def load_instruments(*extra_dirs: Path | str | None, builtin: bool = True) -> Registry:
    """Load the built-in instruments plus any local sets dropped into ``extra_dirs``."""
    dirs = ([BUILTIN_DIR] if builtin else []) + list(extra_dirs)
    loaded: dict[str, Instrument] = {}
    for path in instrument_files(*dirs):
        instrument = load_file(path)
        if instrument.id in loaded:
            other = loaded[instrument.id].source_file
            raise InstrumentError(path, f"id {instrument.id!r} is already used by {other}")
        loaded[instrument.id] = instrument
    check_short_forms(loaded.values())
    return Registry(loaded.values())
