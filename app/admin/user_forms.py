"""Forms for inviting and changing staff accounts, and filtering the audit trail."""

from __future__ import annotations

from wtforms import EmailField, RadioField, SelectField, StringField
from wtforms.validators import Email, InputRequired, Length, Optional

from app.data.audit import ACTIONS
from app.data.users import STAFF_ROLES
from app.fields import Checkboxes, Date, options, strip
from app.forms import Form

ROLE_HINTS = {
    "admin": "Sets up services, pathways and surveys; manages accounts; sees the audit trail.",
    "volunteer": "Prints paper forms and keys in answers. Sees nothing else.",
    "commissioner": "Reads and downloads reports. Never sees a single person's answers.",
}


class UserForm(Form):
    name = StringField(
        "Full name",
        filters=[strip],
        validators=[InputRequired("Enter the person's name"), Length(max=200)],
    )
    email = EmailField(
        "E-mail address",
        description="They sign in with this. No e-mail is sent to it.",
        filters=[strip],
        validators=[
            InputRequired("Enter the person's e-mail address"),
            Email("Enter an e-mail address in the right format, like name@example.org"),
            Length(max=254),
        ],
    )
    roles = Checkboxes(
        "Roles",
        choices=options(STAFF_ROLES.items()),
        description="Select all that apply.",
        validators=[InputRequired("Select at least one role")],
    )


class EditUserForm(Form):
    name = UserForm.name
    roles = UserForm.roles
    active = RadioField(
        "Can this person sign in?",
        choices=options(
            [("yes", "Yes, the account is active"), ("no", "No, deactivate the account")]
        ),
        validators=[InputRequired("Choose whether the account is active")],
    )


class AuditFilterForm(Form):
    class Meta:
        csrf = False  # a GET search form: nothing changes

    action = SelectField(
        "What happened",
        choices=options([("", "Anything"), *ACTIONS.items()]),
        validators=[Optional()],
    )
    who = StringField("Who (e-mail contains)", filters=[strip], validators=[Length(max=254)])
    since = Date("From (YYYY-MM-DD)", validators=[Optional()], render_kw={"inputmode": "numeric"})
    until = Date(
        "To, inclusive (YYYY-MM-DD)", validators=[Optional()], render_kw={"inputmode": "numeric"}
    )
