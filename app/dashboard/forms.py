"""The dashboard's filters: a GET form, so a filtered view is a link that can be shared."""

from __future__ import annotations

from wtforms import RadioField
from wtforms.validators import DataRequired, Optional, ValidationError

from app.data.report_queries import ReportFilter
from app.fields import Checkboxes, Date, Select, options
from app.forms import Form

ROLE_CHOICES = [
    ("", "Everyone"),
    ("patient", "Patients"),
    ("carer", "Carers"),
    ("helped", "Patients helped to answer"),
]


class ReportForm(Form):
    class Meta:
        csrf = False  # a GET form: it changes nothing

    pathway = Select("Pathway", validators=[DataRequired("Choose a pathway")])
    date_from = Date("From (YYYY-MM-DD)", validators=[Optional()])
    date_to = Date("To, inclusive (YYYY-MM-DD)", validators=[Optional()])
    services = Checkboxes(
        "Services", description="Leave all unticked for every service.", validators=[Optional()]
    )
    role = RadioField(
        "Who answered", choices=options(ROLE_CHOICES), default="", validators=[Optional()]
    )

    def __init__(self, *args, pathways=(), services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.pathway.choices = options((p.slug, p.name) for p in pathways)
        self.services.choices = options((s.code, s.name) for s in services)
        if not self.pathway.data and self.pathway.choices:
            self.pathway.data = self.pathway.choices[0].value

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The end date must be the same as or after the start date")

    def report_filter(self) -> ReportFilter:
        return ReportFilter(
            pathway=self.pathway.data,
            date_from=self.date_from.data,
            date_to=self.date_to.data,
            services=tuple(self.services.data or ()),
            role=self.role.data or None,
        )
