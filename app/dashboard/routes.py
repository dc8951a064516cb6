from flask import render_template

from app.auth.access import requires_role
from app.dashboard import bp


@bp.get("/")
@requires_role("commissioner", "admin")
def home():
    return render_template("dashboard/home.jinja", title="Reports")
