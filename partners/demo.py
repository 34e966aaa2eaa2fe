"""Demo step (order 40): consents and the shares they open for both demo partner organisations,
some expired, some withdrawn. At national scale about 50,000 grants, written with COPY."""

import datetime

from django.contrib.auth.models import Permission

from accompaniment.models import Learner
from mia.demo import DemoContext, insert_rows, next_id, reset_sequences
from partners.models import Consent, PersonGroupObjectPermission, section_codename
from partners.services import organisation_group

# organisation key -> (purpose, sections, files shared at small / national scale)
SHARES = {
    "france_travail": (
        "Inscription et suivi France Travail",
        ["identity", "employment"],
        30,
        16000,
    ),
    "ccas": ("Domiciliation et ouverture des droits", ["identity", "rights"], 20, 11000),
}
CONSENT_FIELDS = (
    "id",
    "person_id",
    "organisation_id",
    "purpose",
    "sections",
    "given_on",
    "expires_on",
    "recorded_by_id",
    "proof",
    "withdrawn_on",
    "withdrawn_by_id",
    "created_at",
)
GRANT_FIELDS = ("group_id", "permission_id", "content_object_id", "consent_id")


# The course provider whose trainer (formateur@demo.mia) takes attendance: two learners in three
# of its courses agreed to share their French section with it, so the sheet names them.
COURSE_PROVIDER = "passerelles"
COURSE_SHARE = 2 / 3


def _course_shares(context: DemoContext, consents, grants, permissions, consent_id: int) -> int:
    provider = context.organisations.get(COURSE_PROVIDER)
    if provider is None:
        return consent_id
    group = organisation_group(provider)
    for user in context.users.values():
        if user.organisation_id == provider.pk and user.role == "partner":
            user.groups.add(group)
    learners = sorted(
        set(Learner.objects.filter(course__provider=provider).values_list("person_id", flat=True))
    )
    chosen = context.rng.sample(learners, round(len(learners) * COURSE_SHARE))
    recorded_by = context.users["travailleur@demo.mia"].pk
    for person_id in sorted(chosen):
        consent_id += 1
        given_on = context.today - datetime.timedelta(days=context.rng.randint(10, 200))
        created_at = datetime.datetime.combine(given_on, datetime.time(10), tzinfo=datetime.UTC)
        consents.append(
            (
                consent_id,
                person_id,
                provider.pk,
                "Suivi du cours de français",
                ["french"],
                given_on,
                None,
                recorded_by,
                "",
                None,
                None,
                created_at,
            )
        )
        grants.append((group.pk, permissions[section_codename("french")], person_id, consent_id))
    context.counts[f"dossiers partagés ({COURSE_PROVIDER})"] = len(chosen)
    return consent_id


def consents_and_shares(context: DemoContext) -> None:
    rng, today = context.rng, context.today
    acina = context.organisations["acina"]
    persons = [
        person
        for person in context.created.get("persons", [])
        if person.organisation_id == acina.pk and person.exited_on is None
    ]
    permissions = {
        permission.codename: permission.pk
        for permission in Permission.objects.filter(
            content_type__app_label="beneficiaries", codename__startswith="view_section_"
        )
    }
    consents, grants = [], []
    consent_id = next_id(Consent) - 1
    for key, (purpose, sections, small, national) in SHARES.items():
        organisation = context.organisations[key]
        group = organisation_group(organisation)
        # Accounts are bulk-created by mia's step, without the signal that adds them.
        for user in context.users.values():
            if user.organisation_id == organisation.pk and user.role == "partner":
                user.groups.add(group)
        wanted = small if context.scale == "small" else national
        chosen = rng.sample(persons, min(wanted, len(persons)))
        valid = 0
        for person in chosen:
            consent_id += 1
            given_on = today - datetime.timedelta(days=rng.randint(10, 500))
            expires_on = withdrawn_on = withdrawn_by = None
            draw = rng.random()
            if draw < 0.06:  # expired: the nightly task already removed its grants
                expires_on = given_on + datetime.timedelta(days=rng.randint(1, 9))
            elif draw < 0.10:  # withdrawn by the person
                withdrawn_on = given_on + datetime.timedelta(days=rng.randint(1, 9))
                withdrawn_by = person.referent_id or context.users["travailleur@demo.mia"].pk
            elif draw < 0.45:
                expires_on = today + datetime.timedelta(days=rng.randint(30, 365))
            recorded_by = person.referent_id or context.users["travailleur@demo.mia"].pk
            created_at = datetime.datetime.combine(given_on, datetime.time(10), tzinfo=datetime.UTC)
            consents.append(
                (
                    consent_id,
                    person.pk,
                    organisation.pk,
                    purpose,
                    sections,
                    given_on,
                    expires_on,
                    recorded_by,
                    "",
                    withdrawn_on,
                    withdrawn_by,
                    created_at,
                )
            )
            if (expires_on is not None and expires_on < today) or withdrawn_on is not None:
                continue
            valid += 1
            for section in sections:
                grants.append(
                    (group.pk, permissions[section_codename(section)], person.pk, consent_id)
                )
        context.counts[f"dossiers partagés ({key})"] = valid
        email = "partenaire@demo.mia" if key == "france_travail" else "partenaire2@demo.mia"
        context.describe(email, f"{valid} dossiers partagés ({', '.join(sections)})")
    consent_id = _course_shares(context, consents, grants, permissions, consent_id)
    insert_rows(Consent, CONSENT_FIELDS, consents)
    insert_rows(PersonGroupObjectPermission, GRANT_FIELDS, grants)
    reset_sequences(Consent, PersonGroupObjectPermission)
    context.counts["consentements"] = len(consents)
    context.counts["partages (permissions)"] = len(grants)
