"""The writes of the employment pathway (employment.services): what they save, what they
refuse (a French message on the field, nothing saved), the history of a candidacy, two people
changing one candidacy at once, and "in employment on a day" read from the contracts."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from employment import services
from employment.models import (
    Candidacy,
    CandidacyChange,
    Contract,
    ContractType,
    JobOffer,
    OfferStatus,
    Training,
    Workshop,
)
from mia.concurrency import ConflictError
from tests.employment.factories import (
    CandidacyFactory,
    ContractFactory,
    EmployerFactory,
    OfferFactory,
)

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def employer(association):
    return EmployerFactory(organisation=association, name="Ressourcerie de Bondy")


@pytest.fixture
def offer(employer):
    return OfferFactory(employer=employer, published_on=TODAY - 30 * DAY)


def _errors(excinfo) -> dict:
    return {
        field: [str(m) for m in messages] for field, messages in excinfo.value.message_dict.items()
    }


def test_a_proposal_then_an_interview_then_a_hire_leave_their_history(offer, person, referent):
    candidacy = services.candidacy_propose(
        offer=offer, person=person, by=referent, on=TODAY - 20 * DAY
    )
    services.candidacy_set_status(
        candidacy=candidacy, status="interview", on=TODAY - 10 * DAY, by=referent,
        expected_version=1,
    )  # fmt: skip
    services.candidacy_set_status(
        candidacy=candidacy, status="hired", on=TODAY - 5 * DAY, by=referent, expected_version=2
    )

    candidacy.refresh_from_db()
    assert (candidacy.status, candidacy.changed_on, candidacy.version) == (
        "hired",
        TODAY - 5 * DAY,
        3,
    )
    history = list(
        CandidacyChange.objects.filter(candidacy=candidacy)
        .order_by("on")
        .values_list("previous", "status", "on", "by")
    )
    assert history == [
        ("", "proposed", TODAY - 20 * DAY, referent.pk),
        ("proposed", "interview", TODAY - 10 * DAY, referent.pk),
        ("interview", "hired", TODAY - 5 * DAY, referent.pk),
    ]


def test_a_status_dated_before_the_offer_was_published_is_refused(offer, person, referent):
    with pytest.raises(ValidationError) as excinfo:
        services.candidacy_propose(offer=offer, person=person, by=referent, on=TODAY - 31 * DAY)

    published = (TODAY - 30 * DAY).strftime("%d/%m/%Y")
    assert _errors(excinfo) == {
        "on": [f"L'offre a été publiée le {published} : la candidature ne peut pas dater d'avant."]
    }
    assert not Candidacy.objects.exists()


def test_not_retained_needs_a_reason_and_only_then(offer, person, referent):
    candidacy = services.candidacy_propose(offer=offer, person=person, by=referent)

    with pytest.raises(ValidationError) as missing:
        services.candidacy_set_status(
            candidacy=candidacy, status="not_retained", by=referent, expected_version=1
        )
    with pytest.raises(ValidationError) as extra:
        services.candidacy_set_status(
            candidacy=candidacy, status="interview", reason="french_level", by=referent,
            expected_version=1,
        )  # fmt: skip

    assert _errors(missing) == {"reason": ["Indiquez pourquoi la candidature n'est pas retenue."]}
    assert _errors(extra) == {
        "reason": ["Un motif ne se donne que pour une candidature non retenue."]
    }
    candidacy.refresh_from_db()
    assert (candidacy.status, candidacy.version, candidacy.changes.count()) == ("proposed", 1, 1)


def test_a_person_is_proposed_once_per_offer(offer, person, referent):
    services.candidacy_propose(offer=offer, person=person, by=referent)

    with pytest.raises(ValidationError) as excinfo:
        services.candidacy_propose(offer=offer, person=person, by=referent)

    assert _errors(excinfo) == {"person": ["Cette personne est déjà proposée pour cette offre."]}
    assert Candidacy.objects.count() == 1


def test_nobody_is_proposed_for_a_closed_offer(offer, person, referent):
    JobOffer.objects.filter(pk=offer.pk).update(status=OfferStatus.FILLED)
    offer.refresh_from_db()

    with pytest.raises(ValidationError):
        services.candidacy_propose(offer=offer, person=person, by=referent)

    assert not Candidacy.objects.exists()


def test_two_people_changing_one_candidacy_at_once_lose_nothing(offer, person, referent, colleague):
    candidacy = services.candidacy_propose(offer=offer, person=person, by=referent)
    mine = Candidacy.objects.select_related("offer").get(pk=candidacy.pk)
    theirs = Candidacy.objects.select_related("offer").get(pk=candidacy.pk)
    services.candidacy_set_status(
        candidacy=mine, status="interview", by=referent, expected_version=1
    )

    with pytest.raises(ConflictError) as conflict:
        services.candidacy_set_status(
            candidacy=theirs, status="not_retained", reason="not_interested", by=colleague,
            expected_version=1,
        )  # fmt: skip

    assert conflict.value.current == 2
    candidacy.refresh_from_db()
    assert (candidacy.status, candidacy.reason) == ("interview", "")
    assert list(candidacy.changes.order_by("on", "pk").values_list("status", flat=True)) == [
        "proposed",
        "interview",
    ]


def test_a_contract_ending_before_it_starts_is_refused(person, employer, referent):
    start = TODAY - 10 * DAY
    with pytest.raises(ValidationError) as excinfo:
        services.contract_create(
            person=person, by=referent, employer=employer, contract_type=ContractType.CDD,
            starts_on=start, planned_end=start - DAY, ended_on=start - 2 * DAY,
        )  # fmt: skip

    day = start.strftime("%d/%m/%Y")
    assert _errors(excinfo) == {
        "planned_end": [f"La fin prévue ne peut pas précéder le début du contrat (le {day})."],
        "ended_on": [f"Le contrat ne peut pas finir avant d'avoir commencé (le {day})."],
    }
    assert not Contract.objects.exists()


def test_a_pass_iae_needs_its_number_and_ends_after_it_starts(person, employer, referent):
    with pytest.raises(ValidationError) as excinfo:
        services.contract_create(
            person=person, by=referent, employer=employer, contract_type=ContractType.CDDI,
            starts_on=TODAY, pass_iae_start=TODAY, pass_iae_end=TODAY - DAY,
        )  # fmt: skip

    assert set(_errors(excinfo)) == {"pass_iae_number", "pass_iae_end"}
    assert not Contract.objects.exists()


def test_another_team_s_employer_is_refused(person, referent, other_association):
    theirs = EmployerFactory(organisation=other_association)

    with pytest.raises(ValidationError) as excinfo:
        services.contract_create(
            person=person, by=referent, employer=theirs, contract_type=ContractType.CDI,
            starts_on=TODAY,
        )  # fmt: skip

    assert _errors(excinfo) == {
        "employer": ["Cet employeur n'est pas un employeur de votre équipe."]
    }


def test_a_hire_s_contract_starts_from_the_offer(offer, person, referent):
    JobOffer.objects.filter(pk=offer.pk).update(
        starts_on=TODAY - 3 * DAY, ends_on=TODAY + 120 * DAY, weekly_hours=Decimal("26")
    )
    offer.refresh_from_db()
    candidacy = services.candidacy_propose(
        offer=offer, person=person, by=referent, on=TODAY - 9 * DAY
    )
    candidacy = services.candidacy_set_status(
        candidacy=candidacy, status="hired", on=TODAY - 5 * DAY, by=referent, expected_version=1
    )

    assert services.contract_from_offer(candidacy) == {
        "employer": offer.employer_id,
        "contract_type": "cddi",
        "job_title": offer.title,
        "weekly_hours": Decimal("26.0"),
        # The offer's start (3 days ago) comes after the hire (5 days ago).
        "starts_on": TODAY - 3 * DAY,
        "planned_end": TODAY + 120 * DAY,
    }
    contract = services.contract_create(
        person=person, by=referent, candidacy=candidacy,
        **{**services.contract_from_offer(candidacy), "employer": offer.employer},
    )  # fmt: skip
    with pytest.raises(ValidationError):
        services.contract_create(
            person=person, by=referent, candidacy=candidacy,
            **{**services.contract_from_offer(candidacy), "employer": offer.employer},
        )  # fmt: skip
    assert Contract.objects.get().pk == contract.pk


def test_in_employment_on_a_day_and_in_a_year_are_read_from_the_contracts(person, employer):
    day = datetime.date
    finished = ContractFactory(
        person=person, employer=employer, starts_on=day(2025, 3, 1), planned_end=day(2025, 9, 30),
        ended_on=day(2025, 6, 30),
    )  # fmt: skip
    planned = ContractFactory(
        person=person, employer=employer, starts_on=day(2026, 2, 1), planned_end=day(2026, 5, 31)
    )
    open_ended = ContractFactory(person=person, employer=employer, starts_on=day(2026, 9, 1))
    contracts = Contract.objects.filter(person=person)

    # Ended early: the actual end counts, not the planned one.
    assert list(contracts.running_on(day(2025, 6, 30))) == [finished]
    assert not contracts.running_on(day(2025, 7, 1)).exists()
    # No actual end: the planned end.
    assert list(contracts.running_on(day(2026, 5, 31))) == [planned]
    assert not contracts.running_on(day(2026, 6, 1)).exists()
    # Neither: it runs on.
    assert list(contracts.running_on(day(2030, 1, 1))) == [open_ended]
    assert set(contracts.in_year(2025)) == {finished}
    assert set(contracts.in_year(2026)) == {planned, open_ended}
    assert not contracts.in_year(2024).exists()


def test_a_training_and_a_workshop(person, referent):
    with pytest.raises(ValidationError) as excinfo:
        services.training_create(
            person=person, by=referent, title="CACES", starts_on=TODAY, ends_on=TODAY - DAY,
            outcome="completed",
        )  # fmt: skip
    training = services.training_create(
        person=person, by=referent, title=" CACES R489 ", qualifying=True, starts_on=TODAY - DAY
    )
    with pytest.raises(ValidationError) as future:
        services.workshop_create(
            person=person, by=referent, kind="cv", held_on=TODAY + DAY, attended=True
        )
    services.workshop_create(
        person=person, by=referent, kind="cv", held_on=TODAY + DAY, attended=False
    )

    assert "ends_on" in _errors(excinfo)
    assert _errors(future) == {
        "attended": ["Un atelier à venir ne peut pas encore avoir été suivi."]
    }
    assert (training.title, training.organisation_id) == ("CACES R489", person.organisation_id)
    assert Training.objects.count() == Workshop.objects.count() == 1


def test_an_offer_ending_before_it_starts_or_published_after_its_candidates_is_refused(
    offer, person, referent
):
    services.candidacy_propose(offer=offer, person=person, by=referent, on=TODAY - 25 * DAY)

    with pytest.raises(ValidationError) as excinfo:
        services.offer_update(
            offer=offer, by=referent, expected_version=1, published_on=TODAY - 20 * DAY,
            starts_on=TODAY, ends_on=TODAY - DAY,
        )  # fmt: skip

    assert set(_errors(excinfo)) == {"published_on", "ends_on"}
    offer.refresh_from_db()
    assert (offer.published_on, offer.version) == (TODAY - 30 * DAY, 1)


def test_candidacy_factory_history(offer, person):
    candidacy = CandidacyFactory(offer=offer, person=person)
    assert candidacy.changes.count() == 1
