"""Sign-in and password forms. Paste is allowed everywhere (WCAG 3.3.8)."""

from __future__ import annotations

from wtforms import EmailField, PasswordField
from wtforms.validators import EqualTo, InputRequired, Length

from app.forms import Form


class SignInForm(Form):
    email = EmailField(
        "E-mail address",
        validators=[InputRequired("Enter your e-mail address"), Length(max=254)],
    )
    password = PasswordField("Password", validators=[InputRequired("Enter your password")])


class NewPasswordForm(Form):
    password = PasswordField(
        "New password",
        description="12 characters or more. Three or four random words are easy to remember "
        "and hard to guess.",
        validators=[InputRequired("Enter a new password")],
    )
    confirm = PasswordField(
        "Type the new password again",
        validators=[
            InputRequired("Type the new password again"),
            EqualTo("password", "The two passwords are not the same"),
        ],
    )


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField(
        "Current password", validators=[InputRequired("Enter your current password")]
    )
