"""A site's record: population entries, living conditions and their summary, closure, the legal
procedure. Bad input gives a French message and saves nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from beneficiaries import services as beneficiaries_services
from beneficiaries import services_sites
from beneficiaries.models import (
    SiteLegalProcedure,
    SitePopulation,
    Summary,
    conditions_summary,
    water_summary,
)
from mia.concurrency import ConflictError
from tests.beneficiaries.factories import SiteFactory

TODAY = timezone.localdate()
UNKNOWN = {
    "electricity": "",
    "water_access": "",
    "water_continuous": None,
    "water_close": None,
    "toilets": "",
    "waste_evacuation": "",
    "pests": None,
    "fire_diagnosis_done": None,
}


def test_every_condition_unknown_until_answered():
    assert set(conditions_summary(UNKNOWN).values()) == {Summary.UNKNOWN}


def test_conditions_summary_reads_each_answer():
    answers = UNKNOWN | {
        "electricity": "irregular",
        "water_access": "public_point",
        "water_continuous": True,
        "water_close": True,
        "toilets": "none",
        "waste_evacuation": "regular",
        "pests": True,
        "fire_diagnosis_done": False,
    }

    assert conditions_summary(answers) == {
        "electricity": "to_improve",
        "water": "good",
        "toilets": "bad",
        "waste": "good",
        "pests": "bad",
        "fire": "to_improve",
    }


@pytest.mark.parametrize(
    ("access", "continuous", "close", "expected"),
    [
        ("none", None, None, "bad"),
        ("on_site", True, True, "good"),
        ("on_site", None, None, "good"),
        ("on_site", False, True, "to_improve"),
        ("public_point", True, False, "to_improve"),
        ("other", True, True, "to_improve"),
        ("", True, True, "unknown"),
    ],
)
def test_water_is_good_only_continuous_and_close(access, continuous, close, expected):
    assert water_summary(access, continuous=continuous, close=close) == expected


def _record(site, referent, **counts):
    return services_sites.population_record(
        site=site, by=referent, observed_on=counts.pop("on", TODAY), **counts
    )


def test_a_full_population_entry(site, referent):
    entry = _record(
        site,
        referent,
        people=40,
        women=18,
        households=12,
        minors=15,
        minors_0_3=3,
        minors_3_6=3,
        minors_6_12=5,
        minors_12_16=3,
        minors_16_18=1,
        minors_in_school=7,
        huts=10,
        caravans=2,
        tents=1,
        cars=1,
    )

    stored = SitePopulation.objects.get(pk=entry.pk)
    assert (stored.people, stored.women, stored.minors, stored.minors_in_school) == (40, 18, 15, 7)
    assert [count for _label, count in stored.dwellings] == [10, 2, 1, 1]
    assert stored.recorded_by == referent


def test_the_same_day_replaces_the_count(site, referent):
    _record(site, referent, people=40)
    _record(site, referent, people=42, minors=10)

    assert list(SitePopulation.objects.values_list("people", "minors")) == [(42, 10)]


@pytest.mark.parametrize(
    ("counts", "field", "message"),
    [
        ({"people": 10, "minors": 11}, "minors", "Il y a plus de mineurs que de personnes."),
        ({"people": 10, "women": 11}, "women", "Il y a plus de femmes que de personnes."),
        (
            {"people": 10, "households": 11},
            "households",
            "Il y a plus de ménages que de personnes.",
        ),
        (
            {"people": 10, "minors": 4, "minors_in_school": 5},
            "minors_in_school",
            "Il y a plus de mineurs scolarisés que de mineurs.",
        ),
        (
            {"people": 10, "minors": 4, "minors_0_3": 3, "minors_6_12": 2},
            "minors_0_3",
            "Les mineurs par tranche d'âge (5) dépassent le nombre de mineurs (4).",
        ),
        (
            {"people": 10, "minors_3_6": 2},
            "minors",
            "Indiquez le nombre de mineurs quand vous le détaillez par âge.",
        ),
        (
            {"people": 10, "on": TODAY + datetime.timedelta(days=1)},
            "observed_on",
            "Le relevé ne peut pas être daté dans le futur.",
        ),
    ],
)
def test_impossible_counts_are_refused(site, referent, counts, field, message):
    with pytest.raises(ValidationError) as error:
        _record(site, referent, **counts)

    assert error.value.message_dict[field] == [message]
    assert not SitePopulation.objects.exists()


def test_the_form_says_it_and_saves_nothing(login_as, site):
    from django.urls import reverse

    response = login_as("referent").post(
        reverse("beneficiaries:site_population_add", args=[site.pk]),
        {"observed_on": TODAY.isoformat(), "people": "10", "minors": "12"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["minors"] == ["Il y a plus de mineurs que de personnes."]
    assert not SitePopulation.objects.exists()


def test_conditions_update_and_a_diagnostic_done_needs_its_date(site, referent):
    services_sites.conditions_update(site=site, by=referent, electricity="regular", pests=False)
    site.refresh_from_db()
    assert (site.electricity, site.pests, site.conditions_updated_on) == ("regular", False, TODAY)

    with pytest.raises(ValidationError) as error:
        services_sites.conditions_update(site=site, by=referent, social_diagnostic="done")

    assert error.value.message_dict == {
        "social_diagnostic_on": ["Indiquez la date du diagnostic réalisé."]
    }
    site.refresh_from_db()
    assert site.social_diagnostic == "not_done"


def test_closure_with_its_cause(site, coordinator):
    with pytest.raises(ValidationError) as error:
        services_sites.site_close(
            site=site, by=coordinator, status="resorbed", closed_on=TODAY, reason="fire"
        )
    assert "closed_reason" in error.value.message_dict
    site.refresh_from_db()
    assert site.status == "open"

    services_sites.site_close(
        site=site, by=coordinator, status="closed", closed_on=TODAY, reason="fire"
    )
    site.refresh_from_db()
    assert (site.status, site.closed_on, site.closed_reason) == ("closed", TODAY, "fire")


def test_legal_procedure_recorded_by_a_coordinator_only(site, coordinator, referent, manager):
    for who in (referent, manager):
        with pytest.raises(PermissionError):
            services_sites.legal_procedure_save(site=site, by=who, complaint_on=TODAY)
    assert not SiteLegalProcedure.objects.exists()

    legal = services_sites.legal_procedure_save(
        site=site,
        by=coordinator,
        complaint_on=TODAY - datetime.timedelta(days=30),
        court_decision="eviction",
        court_decision_on=TODAY,
        police_assistance="requested",
    )

    assert SiteLegalProcedure.objects.get(site=site).police_assistance == "requested"
    assert services_sites.legal_procedure_of(site, user=referent) is None
    assert services_sites.legal_procedure_of(site, user=manager) == legal


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"court_decision": "pending", "court_decision_on": TODAY},
            "court_decision_on",
            "Une date de décision suppose une décision rendue.",
        ),
        (
            {
                "complaint_on": TODAY,
                "court_decision": "eviction",
                "court_decision_on": TODAY - datetime.timedelta(days=1),
            },
            "court_decision_on",
            "La décision ne peut pas précéder la plainte.",
        ),
        (
            {"evacuation_order_on": TODAY + datetime.timedelta(days=2)},
            "evacuation_order_on",
            "Cette date ne peut pas être dans le futur.",
        ),
    ],
)
def test_legal_dates_that_cannot_be(site, coordinator, fields, field, message):
    with pytest.raises(ValidationError) as error:
        services_sites.legal_procedure_save(site=site, by=coordinator, **fields)

    assert error.value.message_dict[field] == [message]
    assert not SiteLegalProcedure.objects.exists()


def test_two_coordinators_on_the_legal_procedure(site, coordinator):
    legal = services_sites.legal_procedure_save(site=site, by=coordinator, complaint_on=TODAY)
    services_sites.legal_procedure_save(
        site=site, by=coordinator, expected_version=legal.version, police_assistance="requested"
    )

    with pytest.raises(ConflictError):
        services_sites.legal_procedure_save(
            site=site, by=coordinator, expected_version=legal.version, police_assistance="granted"
        )
    assert SiteLegalProcedure.objects.get().police_assistance == "requested"


def test_the_households_leave_a_site_closed_from_its_form_or_its_service(
    login_as, site, coordinator, household
):
    stay = household.stays.get()
    data = {
        "name": site.name,
        "kind": site.kind,
        "commune": site.commune_id,
        "owner_kind": site.owner_kind,
        "status": "closed",
        "closed_on": TODAY.isoformat(),
        "closed_reason": "fire",
    }
    response = login_as("coordinator").post(
        reverse("beneficiaries:site_edit", args=[site.pk]), data
    )

    assert response.status_code == 302
    household.refresh_from_db()
    stay.refresh_from_db()
    assert (household.site, stay.ended_on) == (None, TODAY)

    # Saved again while closed, nothing moves; a site closed by its service, the same.
    other = SiteFactory(organisation=site.organisation)
    beneficiaries_services.household_move(household=household, site=other)
    services_sites.site_close(
        site=other, by=coordinator, status="closed", closed_on=TODAY, reason="departure"
    )
    household.refresh_from_db()
    assert household.site is None
    assert list(household.stays.order_by("pk").values_list("site", "ended_on")) == [
        (site.pk, TODAY),
        (other.pk, TODAY),
    ]
