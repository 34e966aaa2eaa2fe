"""What partners adds to the summary at the top of a person's or a household's page
(beneficiaries.summary): an alert when a consent to share expires within 30 days, or has
expired lately, and no other consent to the same organisation takes over. One query."""

import datetime

from django.db.models import Count, Max, Q
from django.utils.translation import gettext as _

from beneficiaries.summary import Alert, SummaryQuery, allowed, register, short_date
from mia.links import object_url
from partners.models import Consent

EXPIRING_DAYS = 30
# An older expiry was a choice already made (or forgotten for good): it no longer warns.
EXPIRED_SHOWN_DAYS = 90


def consents(query: SummaryQuery):
    today = query.today
    households = {person.household_id for person in query.people if person.household_id}
    # A consent given by the head for the household covers its members: on a person's page
    # it counts as theirs; on a household's page each member's consents count apart.
    about = Q(person_id__in=query.person_ids) | Q(household_id__in=households)
    per = ("organisation_id", "organisation__name", *(("person_id",) if query.household else ()))
    latest = (
        Consent.objects.visible_to(query.user)
        .filter(about, given_on__lte=today, withdrawn_on__isnull=True)
        .values(*per)
        .annotate(until=Max("expires_on"), endless=Count("pk", filter=Q(expires_on__isnull=True)))
        .order_by("until", "organisation__name", *per)
    )
    soon = today + datetime.timedelta(days=EXPIRING_DAYS)
    since = today - datetime.timedelta(days=EXPIRED_SHOWN_DAYS)
    names = query.names
    for row in latest:
        until = row["until"]
        if row["endless"] or until is None or until > soon or until < since:
            continue
        person_id = row.get("person_id", query.people[0].pk)
        if query.household and person_id not in names:
            continue  # the head's consent, the head having left the household since
        values = {
            "organisation": row["organisation__name"],
            "date": short_date(until),
            "person": names.get(person_id, ""),
        }
        if query.household:
            if until < today:
                text = _(
                    "Le consentement de %(person)s au partage avec %(organisation)s "
                    "a expiré le %(date)s."
                )
            else:
                text = _(
                    "Le consentement de %(person)s au partage avec %(organisation)s "
                    "expire le %(date)s."
                )
        elif until < today:
            text = _("Le consentement au partage avec %(organisation)s a expiré le %(date)s.")
        else:
            text = _("Le consentement au partage avec %(organisation)s expire le %(date)s.")
        yield Alert(
            text=text % values,
            url=allowed(query.user, object_url("partners:consents", person_id)),
            link_label=_("Consentements"),
        )


def register_sources() -> None:
    register("partners.consents", consents)
