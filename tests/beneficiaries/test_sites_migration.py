"""0016 moves each site's old answers into the new fields: living-condition booleans into the
detailed answers, the legal procedure and announced evacuation into SiteLegalProcedure."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("beneficiaries", "0015_site_records")]
AFTER = [("beneficiaries", "0016_site_records_moved")]


def _apps_at(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def test_old_answers_are_moved():
    try:
        apps = _apps_at(BEFORE)
        Organisation = apps.get_model("mia", "Organisation")
        Site = apps.get_model("beneficiaries", "Site")
        organisation = Organisation.objects.create(name="Association", kind="operator")
        common = {"organisation": organisation, "kind": "bidonville", "commune_id": "93066"}
        equipped = Site.objects.create(
            name="A", has_water=True, has_electricity=False, has_toilets=None, **common
        )
        decided = Site.objects.create(
            name="B",
            legal_procedure="decided",
            evacuation_expected_on=datetime.date(2026, 9, 1),
            has_waste_collection=True,
            **common,
        )
        ordered = Site.objects.create(name="C", legal_procedure="administrative", **common)
        nothing = Site.objects.create(name="D", **common)

        apps = _apps_at(AFTER)
        Site = apps.get_model("beneficiaries", "Site")
        Legal = apps.get_model("beneficiaries", "SiteLegalProcedure")

        rows = {
            row["name"]: row
            for row in Site.objects.values(
                "name", "water_access", "electricity", "toilets", "waste_evacuation"
            )
        }
        assert rows["A"] == {
            "name": "A",
            "water_access": "on_site",
            "electricity": "none",
            "toilets": "",
            "waste_evacuation": "",
        }
        assert rows["B"]["waste_evacuation"] == "regular"
        legal = {row.site_id: row for row in Legal.objects.all()}
        assert set(legal) == {decided.pk, ordered.pk}
        assert legal[decided.pk].court_decision == "eviction"
        assert legal[decided.pk].evacuation_expected_on == datetime.date(2026, 9, 1)
        assert legal[ordered.pk].evacuation_order_undated is True
        assert equipped.pk not in legal and nothing.pk not in legal
    finally:
        MigrationExecutor(connection).migrate(
            MigrationExecutor(connection).loader.graph.leaf_nodes()
        )
