"""What the employment pathway adds to a person's timeline and to the summary at the top of
their page."""

import datetime

from django.utils import timezone

from beneficiaries import summary, timeline
from employment import services
from tests.employment.factories import (
    ContractFactory,
    EmployerFactory,
    OfferFactory,
    TrainingFactory,
    WorkshopFactory,
)

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def test_the_timeline_tells_the_contracts_candidacies_trainings_and_workshops(
    person, referent, association
):
    employer = EmployerFactory(organisation=association, name="Ressourcerie de Bondy")
    offer = OfferFactory(employer=employer, title="Agent·e de tri", published_on=TODAY - 40 * DAY)
    candidacy = services.candidacy_propose(
        offer=offer, person=person, by=referent, on=TODAY - 30 * DAY
    )
    services.candidacy_set_status(
        candidacy=candidacy,
        status="not_retained",
        reason="french_level",
        on=TODAY - 20 * DAY,
        by=referent,
        expected_version=1,
    )
    ContractFactory(
        person=person,
        employer=employer,
        contract_type="cdd",
        starts_on=TODAY - 15 * DAY,
        ended_on=TODAY - 2 * DAY,
    )
    TrainingFactory(person=person, title="CACES R489", starts_on=TODAY - 10 * DAY)
    WorkshopFactory(person=person, kind="interview", held_on=TODAY - 5 * DAY, attended=False)

    entries = timeline.entries(
        user=referent, person_ids=[person.pk], pathway="employment", limit=50
    )
    housing = timeline.entries(user=referent, person_ids=[person.pk], pathway="housing", limit=50)

    assert [(entry.date, entry.title) for entry in entries] == [
        (TODAY - 2 * DAY, "Fin de contrat : CDD chez Ressourcerie de Bondy"),
        (TODAY - 5 * DAY, "Atelier : Préparation à l'entretien"),
        (TODAY - 10 * DAY, "Formation : CACES R489"),
        (TODAY - 15 * DAY, "Contrat signé : CDD chez Ressourcerie de Bondy"),
        (
            TODAY - 20 * DAY,
            "Candidature « Agent·e de tri » : non retenue (niveau de français)",
        ),
        (TODAY - 30 * DAY, "Proposée pour l'offre « Agent·e de tri » (Ressourcerie de Bondy)"),
    ]
    assert entries[1].detail == "absente"
    assert not [entry for entry in housing if entry.kind.startswith(("contract", "candidacy"))]


def test_the_summary_says_whether_the_person_is_in_employment(person, referent, association):
    employer = EmployerFactory(organisation=association, name="GEIQ Propreté")
    ContractFactory(
        person=person, employer=employer, contract_type="professionalisation",
        starts_on=TODAY - 60 * DAY, planned_end=TODAY + 300 * DAY,
    )  # fmt: skip

    built = summary.build(user=referent, people=[person], today=TODAY)
    block = next(block for block in built.blocks if block.key == "employment")

    assert block.lead == (
        "En emploi : Contrat de professionnalisation chez GEIQ Propreté depuis le "
        f"{TODAY - 60 * DAY:%d/%m/%Y}"
    )
    assert block.count == 1
    assert block.link.endswith(f"/personnes/{person.pk}/emploi/")


def test_the_summary_of_someone_not_in_work(person, referent):
    built = summary.build(user=referent, people=[person], today=TODAY)
    block = next(block for block in built.blocks if block.key == "employment")

    assert (block.lead, block.count, block.rows) == ("Pas en emploi aujourd'hui", 0, ())
