"""The audit trail: who read or changed which file, when (mia.models.AuditEntry).

Reads are recorded by every view that shows a person's data, one INSERT per request
(tests/mia/test_audit_reads.py walks every URL and fails on a page that records nothing):

    audit.record_read(request, person)                       # a person's page
    audit.record_read(request, person, section="plan")       # one section of it
    audit.record_download(request, document, person_id=...)  # a document sent to the browser
    audit.record_list(request, Person, section="people", people=[...])  # a list: all its ids
    audit.record_export(request, section="people", model=Person, object_ids=[...])

Changes are recorded for every model listed in settings.AUDITED_MODELS, whoever makes them:
- `save()` and `delete()` through signals: a pre_save SELECT reads the row as it was (writes
  only), post_save writes {field: [old, new]};
- `QuerySet.update()`, `bulk_create()` and `bulk_update()` through AuditedQuerySet, which the
  models' querysets inherit: one `bulk_*` entry per row, written in one INSERT, so that each
  person's page finds the changes made in bulk to their file (a value the database computes,
  such as GREATEST(...), shows as "calculé");
- links of a many-to-many field (a follow-up's participants) through m2m_changed.

The acting user is the request's (mia.middleware.AuditMiddleware); services run by a command
or a Celery task name theirs with `with audit.acting_as(user):`, and imports tag their writes
with `with audit.importing():` (action "import"). `with audit.suspended():` records nothing:
for the demo loader only, never for real data.

Each entry carries the person and household ids it is about (AUDITED_MODELS says where to
read them; `person_id` by default), or for a list the ids of all the files it showed
(`person_ids`, `household_ids`); "who looked at or changed this file" finds both
(`entries_about`, beneficiaries.views_audit). Free text and whatever identifies someone (the
`redact` lists: names, notes, titles, addresses, phone, birth date) are stored as "modifié",
never their content: the trail names people by id only.
Derived columns (editable=False, and the `ignore` lists) are left out. Entries older than
MIA_AUDIT_RETENTION_DAYS are deleted by `purge` (mia.tasks.audit_purge, daily in
CELERY_BEAT_SCHEDULE)."""

import contextlib
import contextvars
import datetime
from collections.abc import Iterable, Iterator

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils.translation import gettext_lazy as _

from mia.models import AuditAction, AuditEntry

REDACTED = "modifié"
_BATCH = 1000

acting_user: contextvars.ContextVar = contextvars.ContextVar("audit_acting_user", default=None)
request_path: contextvars.ContextVar = contextvars.ContextVar("audit_request_path", default="")
_suspended: contextvars.ContextVar = contextvars.ContextVar("audit_suspended", default=False)
_importing: contextvars.ContextVar = contextvars.ContextVar("audit_importing", default=False)


@contextlib.contextmanager
def acting_as(user) -> Iterator[None]:
    """Changes made inside are recorded as `user`'s (commands, Celery tasks, imports)."""
    token = acting_user.set(user)
    try:
        yield
    finally:
        acting_user.reset(token)


@contextlib.contextmanager
def importing() -> Iterator[None]:
    """Rows created or changed inside are recorded with the action "import"."""
    token = _importing.set(True)
    try:
        yield
    finally:
        _importing.reset(token)


@contextlib.contextmanager
def suspended() -> Iterator[None]:
    """Records nothing inside. For the demo loader only: real data is always audited."""
    token = _suspended.set(True)
    try:
        yield
    finally:
        _suspended.reset(token)


# --- Registry ----------------------------------------------------------------------------------


def _config(model) -> dict | None:
    if _suspended.get():
        return None
    return settings.AUDITED_MODELS.get(model._meta.label)


def _value_at(instance, path: str):
    """`person_id`, `pk` or `goal__person_id` read from an instance (a query at most for a
    relation not loaded yet: writes only)."""
    *relations, attribute = path.split("__")
    for name in relations:
        instance = getattr(instance, name, None)
        if instance is None:
            return None
    return getattr(instance, attribute, None)


def _owners(instance) -> tuple[int | None, int | None]:
    """The person and the household an object belongs to; `person_id` for a model that is not
    registered (a document of a later app)."""
    config = settings.AUDITED_MODELS.get(instance._meta.label, {})
    person = config.get("person")
    household = config.get("household")
    if person is None and hasattr(instance, "person_id"):
        person = "person_id"
    return (
        _value_at(instance, person) if person else None,
        _value_at(instance, household) if household else None,
    )


def _audited_fields(model, config: dict, names: Iterable[str] | None = None) -> list:
    ignored = set(config.get("ignore", ()))
    fields = [
        field
        for field in model._meta.concrete_fields
        if field.editable and not field.primary_key and field.name not in ignored
    ]
    if names is not None:
        wanted = set(names)
        fields = [field for field in fields if field.name in wanted or field.attname in wanted]
    return fields


def _shown(value):
    """A JSON-safe copy of a column's value: dates as ISO strings, expressions as "calculé"."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_shown(item) for item in value]
    if isinstance(value, models.Model):
        return value.pk
    if hasattr(value, "resolve_expression"):
        return "calculé"
    return str(value)


def _change(config: dict, field, old, new) -> list:
    if field.name in config.get("redact", ()):
        return [REDACTED, REDACTED]
    return [_shown(old), _shown(new)]


# --- Writing entries ---------------------------------------------------------------------------


def _user():
    user = acting_user.get()
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user


def _entry(*, action: str, model, object_id, person_id=None, household_id=None, **extra):
    user = _user()
    return AuditEntry(
        user=user,
        user_id_value=user.pk if user else None,
        action=action,
        app_label=model._meta.app_label,
        model=model._meta.model_name,
        object_id="" if object_id is None else str(object_id),
        person_id=person_id,
        household_id=household_id,
        path=extra.pop("path", None) or request_path.get(),
        **extra,
    )


def _write_action(default: str) -> str:
    return AuditAction.IMPORT if _importing.get() else default


def _save(request, *, action: str, model, object_id=None, section=None, **fields):
    """One entry for what `request` showed or sent: a single INSERT."""
    if _suspended.get():
        return None
    token = acting_user.set(request.user)
    try:
        entry = _entry(
            action=action,
            model=model,
            object_id=object_id,
            section=section or "",
            path=request.path,
            **fields,
        )
    finally:
        acting_user.reset(token)
    entry.save()
    return entry


def _record(request, obj, *, action: str, section, person_id, household_id) -> AuditEntry | None:
    if person_id is None and household_id is None:
        person_id, household_id = _owners(obj)
    return _save(
        request,
        action=action,
        model=type(obj),
        object_id=obj.pk,
        section=section,
        person_id=person_id,
        household_id=household_id,
    )


def record_read(request, obj, *, section=None, person_id=None, household_id=None):
    """A page showing `obj` (a person, a household, or a section of their file) was read."""
    return _record(
        request,
        obj,
        action=AuditAction.VIEW,
        section=section,
        person_id=person_id,
        household_id=household_id,
    )


def record_download(request, obj, *, section=None, person_id=None, household_id=None):
    """A file (a document, a consent's proof) was sent to the browser."""
    return _record(
        request,
        obj,
        action=AuditAction.DOWNLOAD,
        section=section,
        person_id=person_id,
        household_id=household_id,
    )


def record_list(
    request, about, *, section: str, people: Iterable = (), households: Iterable = ()
) -> AuditEntry | None:
    """A page listing files was read (a search, a caseload, the partner portal, a site's
    households): one entry naming every person and household it showed by id, in
    `person_ids` and `household_ids`, whatever their number; none if it showed nobody.
    `about` is the model of the rows listed (Person, Referral), or the object whose page
    lists them (a site)."""
    people, households = list(dict.fromkeys(people)), list(dict.fromkeys(households))
    if not people and not households:
        return None
    return _save(
        request,
        action=AuditAction.VIEW,
        model=about if isinstance(about, type) else type(about),
        object_id=None if isinstance(about, type) else about.pk,
        section=section,
        person_ids=people,
        household_ids=households,
    )


def record_export(request, *, section: str, model, object_ids: Iterable = ()) -> AuditEntry | None:
    """Rows of `model` left the application in a file (a CSV, a report): one entry listing
    the ids exported, in `changes["ids"]`."""
    return _save(
        request,
        action=AuditAction.EXPORT,
        model=model,
        section=section,
        changes={"ids": [_shown(pk) for pk in object_ids]},
    )


# --- Changes through save() and delete() -------------------------------------------------------


def _before_save(sender, instance, raw=False, update_fields=None, **kwargs):
    config = _config(sender)
    if config is None or raw or instance._state.adding or instance.pk is None:
        return
    fields = _audited_fields(sender, config, update_fields)
    instance._audit_before = (
        sender._base_manager.filter(pk=instance.pk)
        .values(*[field.attname for field in fields])
        .first()
    )


def _after_save(sender, instance, created, raw=False, update_fields=None, **kwargs):
    config = _config(sender)
    if config is None or raw:
        return
    changes = {}
    if not created:
        before = instance.__dict__.pop("_audit_before", None) or {}
        for field in _audited_fields(sender, config, update_fields):
            old, new = before.get(field.attname), getattr(instance, field.attname)
            if field.attname in before and old != new:
                changes[field.name] = _change(config, field, old, new)
        if not changes:
            return
    person_id, household_id = _owners(instance)
    _entry(
        action=_write_action(AuditAction.CREATE if created else AuditAction.UPDATE),
        model=sender,
        object_id=instance.pk,
        person_id=person_id,
        household_id=household_id,
        changes=changes,
    ).save()


def _after_delete(sender, instance, **kwargs):
    if _config(sender) is None:
        return
    person_id, household_id = _owners(instance)
    _entry(
        action=AuditAction.DELETE,
        model=sender,
        object_id=instance.pk,
        person_id=person_id,
        household_id=household_id,
    ).save()


def _m2m_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """Links added or removed from the audited side (a follow-up's participants): one entry
    with the ids. Changes made from the other side are not recorded (no code does them)."""
    if reverse or action not in {"post_add", "post_remove", "post_clear"}:
        return
    config = _config(type(instance))
    if config is None or (action != "post_clear" and not pk_set):
        return
    field = next(
        field.name
        for field in type(instance)._meta.many_to_many
        if field.remote_field.through is sender
    )
    if action == "post_clear":
        change = {"removed": "all"}
    else:
        change = {"added" if action == "post_add" else "removed": sorted(pk_set)}
    person_id, household_id = _owners(instance)
    _entry(
        action=_write_action(AuditAction.UPDATE),
        model=type(instance),
        object_id=instance.pk,
        person_id=person_id,
        household_id=household_id,
        changes={field: change},
    ).save()


def connect() -> None:
    """Called by mia.apps.MiaConfig.ready(): per model, so that the other models keep Django's
    fast deletes."""
    for label in settings.AUDITED_MODELS:
        model = apps.get_model(label)
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"audit_pre_{label}")
        post_save.connect(_after_save, sender=model, dispatch_uid=f"audit_post_{label}")
        post_delete.connect(_after_delete, sender=model, dispatch_uid=f"audit_delete_{label}")
        for field in model._meta.many_to_many:
            m2m_changed.connect(
                _m2m_changed,
                sender=field.remote_field.through,
                dispatch_uid=f"audit_m2m_{label}_{field.name}",
            )


# --- Changes in bulk ---------------------------------------------------------------------------


def _rows_before(queryset, config: dict, fields: list) -> dict[object, dict]:
    """pk -> the row's owner ids and the old values of `fields`, in one SELECT."""
    paths = {config.get(key) for key in ("person", "household")} - {None, "pk"}
    rows = queryset.order_by().values("pk", *paths, *[field.attname for field in fields])
    return {row["pk"]: row for row in rows}


def _bulk_entries(model, config: dict, rows: dict, fields: list, new_values) -> None:
    entries = []
    for pk, row in rows.items():
        new = new_values(pk)
        changes = {}
        for field in fields:
            old, value = row.get(field.attname), new.get(field.attname)
            if old != value:
                changes[field.name] = _change(config, field, old, value)
        owners = [
            row.get(config[key]) if config.get(key) else None for key in ("person", "household")
        ]
        entries.append(
            _entry(
                action=_write_action(AuditAction.BULK_UPDATE),
                model=model,
                object_id=pk,
                person_id=owners[0],
                household_id=owners[1],
                changes=changes,
            )
        )
    AuditEntry.objects.bulk_create(entries, batch_size=_BATCH)


class AuditedQuerySet(models.QuerySet):
    """`update()`, `bulk_update()` and `bulk_create()` leave one entry per row (so that each
    person's page finds the changes made in bulk to their file), with the old and new values:
    one SELECT of the rows before, one INSERT of the entries after."""

    def update(self, **kwargs):
        config = _config(self.model)
        fields = _audited_fields(self.model, config, kwargs) if config else []
        if not fields:
            return super().update(**kwargs)
        with transaction.atomic(using=self.db, savepoint=False):
            rows = _rows_before(self, config, fields)
            count = super().update(**kwargs)
            values = {}
            for field in fields:
                value = kwargs[field.name] if field.name in kwargs else kwargs[field.attname]
                values[field.attname] = value.pk if isinstance(value, models.Model) else value
            _bulk_entries(self.model, config, rows, fields, lambda pk: values)
        return count

    update.alters_data = True

    def bulk_update(self, objs, fields, batch_size=None):
        config = _config(self.model)
        audited = _audited_fields(self.model, config, fields) if config else []
        if not audited:
            return super().bulk_update(objs, fields, batch_size=batch_size)
        objs = list(objs)
        by_pk = {obj.pk: obj for obj in objs}
        with transaction.atomic(using=self.db, savepoint=False):
            rows = {}
            pks = list(by_pk)
            for start in range(0, len(pks), _BATCH):
                chunk = self.model._base_manager.filter(pk__in=pks[start : start + _BATCH])
                rows.update(_rows_before(chunk, config, audited))
            # Django's bulk_update goes through update(): recorded once, here.
            with suspended():
                count = super().bulk_update(objs, fields, batch_size=batch_size)
            _bulk_entries(
                self.model,
                config,
                rows,
                audited,
                lambda pk: {field.attname: getattr(by_pk[pk], field.attname) for field in audited},
            )
        return count

    bulk_update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        objs = super().bulk_create(objs, *args, **kwargs)
        if _config(self.model) is None:
            return objs
        entries = []
        for obj in objs:
            person_id, household_id = _owners(obj)
            entries.append(
                _entry(
                    action=_write_action(AuditAction.BULK_CREATE),
                    model=self.model,
                    object_id=obj.pk,
                    person_id=person_id,
                    household_id=household_id,
                )
            )
        AuditEntry.objects.bulk_create(entries, batch_size=_BATCH)
        return objs

    bulk_create.alters_data = True


# --- Retention ---------------------------------------------------------------------------------


def purge(*, before: datetime.datetime, batch_size: int = 10_000) -> int:
    """Delete the entries older than `before`. Returns how many were deleted."""
    return delete_in_batches(AuditEntry.objects.filter(at__lt=before), batch_size=batch_size)


def delete_in_batches(queryset: models.QuerySet, *, batch_size: int = 10_000) -> int:
    """Delete the rows of `queryset`, `batch_size` at a time so that a first purge of millions
    of rows never holds one huge transaction (the audit trail, mia.security's events)."""
    deleted = 0
    while True:
        ids = list(queryset.order_by().values_list("pk", flat=True)[:batch_size])
        if not ids:
            return deleted
        deleted += queryset.model._base_manager.filter(pk__in=ids).delete()[0]


# --- Reading the trail -------------------------------------------------------------------------

SECTION_LABELS = {
    "timeline": _("Historique"),
    "plan": _("Projet personnalisé"),
    "access_log": _("Accès au dossier"),
    "documents": _("Documents"),
    "edit": _("Modification du dossier"),
    "followup": _("Entretien"),
    "consents": _("Consentements"),
    "referrals": _("Orientations"),
    "exit": _("Sortie ou retour"),
    "merge": _("Fusion de dossiers"),
    "duplicates": _("Doublons possibles"),
    "people": _("Liste des personnes"),
    "caseload": _("Mon portefeuille"),
    "site": _("Lieu de vie"),
    "transfer": _("Transfert de référent·e"),
    "portal": _("Dossiers partagés"),
    "admin": _("Administration"),
}


def entries_about(*, person_id: int, household_id: int | None = None):
    """The entries about a person: their file, the lists that showed them, and their
    household as a whole (its page, its changes, a list of households), not the other
    members' files. On PostgreSQL each condition is an index (mia migration 0007)."""
    about = Q(person_id=person_id) | Q(person_ids__holds=person_id)
    if household_id:
        about |= Q(household_id=household_id, person_id__isnull=True)
        about |= Q(household_ids__holds=household_id)
    return AuditEntry.objects.filter(about)


def describe(entry: AuditEntry) -> dict:
    """What an entry says, in words, without any value: the kind of object, the section read
    and the labels of the fields changed (no query: labels come from the models)."""
    try:
        model = apps.get_model(entry.app_label, entry.model)
    except LookupError:
        model = None
    fields = []
    for name in entry.changes if entry.action != AuditAction.EXPORT else ():
        try:
            fields.append(str(model._meta.get_field(name).verbose_name))
        except (AttributeError, LookupError, FieldDoesNotExist):
            fields.append(name)
    return {
        "entry": entry,
        "object": str(model._meta.verbose_name) if model else entry.model,
        "section": SECTION_LABELS.get(entry.section, entry.section),
        "fields": fields,
        "listed": len(entry.person_ids) + len(entry.household_ids),
    }
