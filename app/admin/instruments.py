"""The instruments loaded from files, read only: what each one is, where it came from."""

from __future__ import annotations

from pathlib import Path

from flask import current_app, render_template

from app.admin import bp
from app.auth.access import requires_role
from app.data.instruments import registry


def _is_within(path: str, folder: str) -> bool:
    return Path(path).resolve().is_relative_to(Path(folder).resolve())


@bp.get("/instruments", endpoint="instruments")
@requires_role("admin")
def instruments_list():
    local_dir = current_app.config["LOCAL_INSTRUMENTS_DIR"]
    loaded = sorted(registry().values(), key=lambda i: i.title)
    return render_template(
        "admin/instruments.jinja",
        title="Instruments",
        instruments=[(i, _is_within(i.source_file, local_dir)) for i in loaded],
        local_dir=local_dir,
    )
