from flask import render_template

from app.auth.access import requires_role
from app.paper import bp


@bp.get("/")
@requires_role("volunteer", "admin")
def home():
    return render_template("paper/home.jinja", title="Paper forms")
