"""Demo step (order 45, after consents): referrals to both demo partner organisations, in every
status, some under consent (the partner then sees the file), some without."""

import datetime

from mia.demo import DemoContext, insert_rows, next_id, reset_sequences
from partners.models import Consent, Referral, ReferralEvent, ReferralStatus

# organisation key -> (pathway, reasons, referrals at small / national scale)
REFERRALS = {
    "france_travail": (
        "employment",
        [
            "Inscription comme demandeur d'emploi et atelier CV.",
            "Orientation vers une formation linguistique à visée professionnelle.",
            "Accompagnement global : levée des freins à l'emploi.",
        ],
        12,
        3000,
    ),
    "ccas": (
        "rights",
        [
            "Demande de domiciliation administrative.",
            "Ouverture des droits à la complémentaire santé solidaire.",
            "Aide facultative pour des frais de cantine.",
        ],
        10,
        2500,
    ),
}
# Cumulative weights of the statuses: most referrals are answered, some are still waiting.
STATUSES = [
    (0.30, ReferralStatus.SENT),
    (0.55, ReferralStatus.ACCEPTED),
    (0.80, ReferralStatus.DONE),
    (0.93, ReferralStatus.DECLINED),
    (1.00, ReferralStatus.CANCELLED),
]
DECLINE_REASONS = ["Public non éligible au dispositif.", "Plus de place avant trois mois."]
REFERRAL_FIELDS = (
    "id",
    "person_id",
    "organisation_id",
    "pathway",
    "reason",
    "status",
    "created_by_id",
    "created_at",
    "answered_by_id",
    "answered_at",
    "decline_reason",
    "done_on",
)
EVENT_FIELDS = ("referral_id", "status", "at", "by_id", "note")


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)


def referrals(context: DemoContext) -> None:
    rng, today = context.rng, context.today
    acina = context.organisations["acina"]
    persons = [
        person
        for person in context.created.get("persons", [])
        if person.organisation_id == acina.pk and person.exited_on is None
    ]
    fallback = context.users["travailleur@demo.mia"].pk
    rows, events = [], []
    referral_id = next_id(Referral) - 1
    for key, (pathway, reasons, small, national) in REFERRALS.items():
        organisation = context.organisations[key]
        partner = next(
            user.pk
            for user in context.users.values()
            if user.organisation_id == organisation.pk and user.role == "partner"
        )
        # Half of them to people who consented to share with the partner: it sees their file.
        consented = list(
            Consent.objects.filter(organisation=organisation, withdrawn_on__isnull=True)
            .order_by("pk")
            .values_list("person_id", flat=True)
        )
        by_id = {person.pk: person for person in persons}
        wanted = small if context.scale == "small" else national
        under_consent = [by_id[pk] for pk in consented if pk in by_id][: wanted // 2]
        others = rng.sample(persons, min(wanted - len(under_consent), len(persons)))
        for person in under_consent + others:
            referral_id += 1
            draw = rng.random()
            status = next(status for limit, status in STATUSES if draw <= limit)
            sent_on = today - datetime.timedelta(days=rng.randint(1, 300))
            sender = person.referent_id or fallback
            answered_on = min(sent_on + datetime.timedelta(days=rng.randint(1, 15)), today)
            answered = status not in (ReferralStatus.SENT, ReferralStatus.CANCELLED)
            decline = rng.choice(DECLINE_REASONS) if status == ReferralStatus.DECLINED else ""
            done_on = None
            if status == ReferralStatus.DONE:
                done_on = min(answered_on + datetime.timedelta(days=rng.randint(0, 30)), today)
            rows.append(
                (
                    referral_id,
                    person.pk,
                    organisation.pk,
                    pathway,
                    rng.choice(reasons),
                    status,
                    sender,
                    _at(sent_on, 9),
                    partner if answered else None,
                    _at(answered_on, 14) if answered else None,
                    decline,
                    done_on,
                )
            )
            events.append((referral_id, ReferralStatus.SENT, _at(sent_on, 9), sender, ""))
            if status in (ReferralStatus.ACCEPTED, ReferralStatus.DONE):
                events.append(
                    (referral_id, ReferralStatus.ACCEPTED, _at(answered_on, 14), partner, "")
                )
            if status == ReferralStatus.DONE:
                events.append((referral_id, status, _at(done_on, 16), partner, ""))
            elif status == ReferralStatus.DECLINED:
                events.append((referral_id, status, _at(answered_on, 14), partner, decline))
            elif status == ReferralStatus.CANCELLED:
                events.append((referral_id, status, _at(answered_on, 11), sender, ""))
        count = len(under_consent) + len(others)
        context.counts[f"orientations ({key})"] = count
        email = "partenaire@demo.mia" if key == "france_travail" else "partenaire2@demo.mia"
        context.describe(email, f"{count} orientations reçues")
    insert_rows(Referral, REFERRAL_FIELDS, rows)
    insert_rows(ReferralEvent, EVENT_FIELDS, events)
    reset_sequences(Referral, ReferralEvent)
