"""The base of every WTForms form in the app: it reads only what a browser's form sends.

Flask-WTF merges every uploaded file into the form data and reads JSON bodies as form data, so
a file part or a JSON number sent under a text field's name reaches that field as a
``FileStorage`` or an ``int`` and breaks its validators (a 500). Here a file part reaches only a
file field, and a JSON body nothing: the field is then simply missing, and the form says so.
"""

from __future__ import annotations

from flask import request
from flask_wtf import FlaskForm  # noqa: TID251 (the one place it is subclassed)
from flask_wtf.form import _Auto  # Flask-WTF's "read the request" marker
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms.fields import FileField


class Form(FlaskForm):
    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            if formdata is not _Auto:  # the view chose what to read, e.g. request.args
                return formdata
            if not form.is_submitted():
                return None
            uploads = {field.name for field in form if isinstance(field, FileField)}
            files = MultiDict(
                (name, file) for name, file in request.files.items(multi=True) if name in uploads
            )
            if files:
                return CombinedMultiDict((files, request.form))
            return request.form or None
