"""Demo step (order 36): local actions for `manage.py seed_demo` (see mia.demo).

ACINA's actions (40 at national scale, 4 at small), each on one to three of its sites, with its
département, topics, pilots (a State service) and operators (ACINA, sometimes a partner), the
households of those sites and some of their people, its financing over two or three years by
one to three sources (some overspent), and some of the follow-ups and procedures of the people
it concerns tied to it (bulk updates). Written in bulk; sites, households and people are read
from the database, like accompaniment.demo_pathways. coordination@demo.mia sees every action
filled: people, households, tied follow-ups and procedures, finances."""

import datetime
from decimal import Decimal

from accompaniment.models import (
    Action,
    ActionFunding,
    ActionPlace,
    ActionTopic,
    FollowUp,
    FundingSource,
    Procedure,
)
from beneficiaries.models import Household, Person, Site
from mia.demo import DemoContext
from mia.models import Organisation, OrganisationKind

COUNTS = {"small": 4, "national": 40}
NAMES = [
    "Accès aux soins sur le terrain",
    "Scolarisation et médiation scolaire",
    "Insertion professionnelle des jeunes",
    "Stabilisation et amélioration du lieu de vie",
    "Accompagnement vers le logement",
    "Ateliers sociolinguistiques des femmes",
    "Médiation en santé",
    "Espace temporaire d'insertion",
]
TOPICS_BY_NAME = [
    [ActionTopic.HEALTH],
    [ActionTopic.SCHOOL],
    [ActionTopic.WORK],
    [ActionTopic.SITE, ActionTopic.HEALTH],
    [ActionTopic.HOUSING],
    [ActionTopic.WORK, ActionTopic.SCHOOL],
    [ActionTopic.HEALTH],
    [ActionTopic.HOUSING, ActionTopic.WORK],
]
SOURCES = FundingSource.values


def local_actions(context: DemoContext) -> None:
    rng = context.rng
    today = context.today
    acina = context.organisations["acina"]
    count = COUNTS.get(context.scale, COUNTS["small"])
    sites = list(
        Site.objects.filter(organisation=acina)
        .select_related("commune")
        .only("pk", "commune__departement")
        .order_by("pk")
    )
    if not sites:
        return
    households_by_site: dict[int, list[int]] = {}
    for pk, site_id in Household.objects.filter(organisation=acina, site__isnull=False).values_list(
        "pk", "site_id"
    ):
        households_by_site.setdefault(site_id, []).append(pk)
    # Sites where households live (the others would give actions concerning nobody).
    sites = [site for site in sites if site.pk in households_by_site] or sites
    people_by_household: dict[int, list[int]] = {}
    for pk, household_id in Person.objects.filter(
        organisation=acina, exited_on__isnull=True, household__isnull=False
    ).values_list("pk", "household_id"):
        people_by_household.setdefault(household_id, []).append(pk)
    state = list(
        Organisation.objects.filter(kind=OrganisationKind.STATE_SERVICE).order_by("pk")[:3]
    )
    partners = list(
        Organisation.objects.exclude(kind__in=[OrganisationKind.OPERATOR]).order_by("pk")[:6]
    )
    # The small demo's actions are on the first sites, where the personas' people live.
    actions, site_links, household_links, person_links, pilots, operators = [], [], [], [], [], []
    for index in range(count):
        name_index = index % len(NAMES)
        name = NAMES[name_index]
        if index >= len(NAMES):
            name = f"{name} ({index // len(NAMES) + 1})"
        years_back = rng.randint(0, 2)
        starts_on = datetime.date(today.year - years_back, rng.choice([1, 3, 9]), 1)
        # A quarter of them ended; the others run on, some without an end date.
        if index % 4 == 3 and years_back:
            ends_on = datetime.date(today.year - 1, 12, 31)
        elif index % 3 == 0:
            ends_on = None
        else:
            ends_on = datetime.date(today.year + 1, 6, 30)
        chosen = (
            sites[index % len(sites) : index % len(sites) + 1]
            if context.scale == "small"
            else rng.sample(sites, k=min(len(sites), rng.randint(1, 3)))
        )
        place = ActionPlace.SITES if index % 8 != 7 else ActionPlace.SUPPORT_SPACE
        action = Action(
            organisation=acina,
            name=name,
            starts_on=starts_on,
            ends_on=ends_on,
            goals="Objectifs définis avec les partenaires et les habitant·es.",
            topics=TOPICS_BY_NAME[name_index],
            place=place,
            place_details="" if place == ActionPlace.SITES else "Espace d'accompagnement",
            departement=chosen[0].commune.departement,
        )
        actions.append((action, chosen))
    Action.objects.bulk_create([action for action, _sites in actions])
    fundings = []
    for index, (action, chosen) in enumerate(actions):
        for site in chosen:
            site_links.append(Action.sites.through(action_id=action.pk, site_id=site.pk))
        if state:
            pilots.append(
                Action.pilots.through(
                    action_id=action.pk, organisation_id=state[index % len(state)].pk
                )
            )
        operators.append(Action.operators.through(action_id=action.pk, organisation_id=acina.pk))
        if partners and index % 2:
            operators.append(
                Action.operators.through(
                    action_id=action.pk, organisation_id=partners[index % len(partners)].pk
                )
            )
        households = [pk for site in chosen for pk in households_by_site.get(site.pk, [])]
        share = 1 if context.scale == "small" else rng.uniform(0.2, 0.6)
        picked = (
            sorted(rng.sample(households, k=max(1, int(len(households) * share))))
            if households
            else []
        )
        named_households = picked[: max(1, len(picked) // 2)]
        concerned = action.concerned_ids = set()
        for pk in named_households:
            household_links.append(Action.households.through(action_id=action.pk, household_id=pk))
            concerned.update(people_by_household.get(pk, []))
        for pk in picked[len(named_households) :]:
            members = people_by_household.get(pk, [])
            for person_id in members[: rng.randint(1, 3)]:
                person_links.append(Action.people.through(action_id=action.pk, person_id=person_id))
                concerned.add(person_id)
        last_year = (action.ends_on or today).year
        for year in range(action.starts_on.year, min(last_year, today.year) + 1):
            for source in rng.sample(SOURCES[:4], k=rng.randint(1, 3)):
                budget = Decimal(rng.randrange(5_000, 120_000, 500))
                spent = None
                if year < today.year:
                    spent = (budget * Decimal(rng.uniform(0.7, 1.1))).quantize(Decimal("0.01"))
                elif rng.random() < 0.7:
                    spent = (budget * Decimal(rng.uniform(0.1, 0.6))).quantize(Decimal("0.01"))
                fundings.append(
                    ActionFunding(
                        action=action, year=year, source=source, budget=budget, spent=spent
                    )
                )
    for model, rows in (
        (Action.sites.through, site_links),
        (Action.pilots.through, pilots),
        (Action.operators.through, operators),
        (Action.households.through, household_links),
        (Action.people.through, person_links),
    ):
        model.objects.bulk_create(rows, batch_size=2000)
    ActionFunding.objects.bulk_create(fundings, batch_size=2000)
    tied = _tie(actions, context)
    context.counts.update(
        {"actions": len(actions), "financements d'actions": len(fundings), **tied}
    )
    context.describe(
        "coordination@demo.mia",
        f"actions locales : {len(actions)}, avec leurs personnes, ménages et financements",
    )


def _tie(actions, context: DemoContext) -> dict[str, int]:
    """Some follow-ups and procedures of the people an action concerns (their ids known from
    the links written), made while it ran, tied to it: a few ids read, one UPDATE each."""
    follow_ups = procedures = 0
    for index, (action, _sites) in enumerate(actions):
        concerned = sorted(action.concerned_ids)
        if not concerned:
            continue
        end = action.ends_on or context.today
        rows = FollowUp.objects.filter(
            organisation_id=action.organisation_id,
            action__isnull=True,
            person_id__in=concerned,
            date__range=(action.starts_on, end),
        )
        # One in two of the first ones.
        ids = list(rows.order_by("pk").values_list("pk", flat=True)[: 20 + index % 5])[::2]
        follow_ups += FollowUp.objects.filter(pk__in=ids).update(action=action)
        procedure_rows = Procedure.objects.filter(
            organisation_id=action.organisation_id, action__isnull=True, person_id__in=concerned
        )
        ids = list(procedure_rows.order_by("pk").values_list("pk", flat=True)[:12])[::3]
        procedures += Procedure.objects.filter(pk__in=ids).update(action=action)
    return {"entretiens rattachés à une action": follow_ups, "démarches rattachées": procedures}
