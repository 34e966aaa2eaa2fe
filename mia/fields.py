import json

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Lookup


class CodeListField(models.CharField):
    """A short list of codes (pathways of a follow-up…) stored as ' rights french ': filtering
    on one code (`pathways__includes="rights"`) is a plain LIKE that PostgreSQL and SQLite both
    run, where JSON containment exists only on PostgreSQL."""

    def from_db_value(self, value, expression, connection):
        return value.split() if value else []

    def to_python(self, value):
        if isinstance(value, list):
            return value
        return value.split() if value else []

    def get_prep_value(self, value):
        if isinstance(value, str):
            value = value.split()
        codes = [code for code in (value or []) if code]
        return f" {' '.join(codes)} " if codes else ""

    def value_to_string(self, obj):
        return self.get_prep_value(self.value_from_object(obj))

    def validate(self, value, model_instance):
        # Each code is checked against the choices; the list itself is not one choice.
        if self.choices and value:
            allowed = {str(key) for key, _label in self.flatchoices}
            for code in value:
                if code not in allowed:
                    raise ValidationError(
                        self.error_messages["invalid_choice"], params={"value": code}
                    )
        if not self.blank and not value:
            raise ValidationError(self.error_messages["blank"])

    def formfield(self, **kwargs):
        from django import forms

        return forms.MultipleChoiceField(
            choices=self.choices,
            required=not self.blank,
            label=self.verbose_name,
            widget=forms.CheckboxSelectMultiple,
            **{k: v for k, v in kwargs.items() if k in ("help_text",)},
        )


@CodeListField.register_lookup
class Includes(Lookup):
    lookup_name = "includes"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return ("%s", [f"% {value} %"])

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} LIKE {rhs}", [*lhs_params, *rhs_params]


class IdListField(models.JSONField):
    """A list of ids (the people a page listed: mia.models.AuditEntry.person_ids), stored as
    JSON. `person_ids__holds=12` finds the rows whose list holds 12: JSON containment on
    PostgreSQL, which a GIN index answers (mia migration 0007), json_each() on SQLite."""


@IdListField.register_lookup
class Holds(Lookup):
    lookup_name = "holds"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return ("%s", [int(value)])

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        # The column and a placeholder: the id itself travels as a parameter.
        sql = f"EXISTS (SELECT 1 FROM json_each({lhs}) WHERE json_each.value = {rhs})"  # noqa: S608
        return sql, [*lhs_params, *rhs_params]

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        _rhs, rhs_params = self.process_rhs(compiler, connection)
        # '[12]'::jsonb: the form jsonb_path_ops can look up in the index.
        return f"{lhs} @> %s::jsonb", [*lhs_params, json.dumps(rhs_params)]
