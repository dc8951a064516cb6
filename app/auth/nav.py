"""The staff menu: each entry shows only to the roles that can open it."""

from __future__ import annotations

from flask import Flask, request, url_for
from flask_login import current_user

from app.auth.access import access_of
from app.data.users import STAFF_ROLES

# (endpoint, menu text, what it is for on the staff home page)
MENU = [
    ("dashboard.home", "Reports", "Experience across the journey, by stage, service and group."),
    ("paper.home", "Paper forms", "Print questionnaires and key in paper answers."),
    ("admin.services", "Services", "The services people move between, by sector."),
    ("admin.pathways", "Pathways", "Care pathways and their stages, in order."),
    ("admin.surveys", "Surveys", "What is asked at each stage, links and QR posters."),
    ("admin.instruments", "Instruments", "The questionnaires loaded, their versions and sources."),
    ("admin.users", "Accounts", "Invite staff and volunteers, reset passwords, set roles."),
    ("admin.audit", "Audit trail", "Who signed in and what they changed or downloaded."),
    ("auth.account", "Your account", None),
]


def register(app: Flask) -> None:
    @app.context_processor
    def _staff_helpers():
        return {"staff_nav": lambda: staff_nav(app), "role_names": role_names}


def staff_nav(app: Flask) -> list[dict]:
    if not current_user.is_authenticated:
        return []
    items = []
    for endpoint, text, describe in MENU:
        access = access_of(app, endpoint)
        if access is None or not (access & current_user.roles):
            continue
        # Section pages are named after their list page: admin.services_edit is in Services.
        here = request.endpoint or ""
        current = here == endpoint or here.startswith(endpoint + "_")
        items.append(
            {"href": url_for(endpoint), "text": text, "describe": describe, "current": current}
        )
    return items


def role_names(roles) -> str:
    return ", ".join(STAFF_ROLES[r] for r in sorted(roles))
