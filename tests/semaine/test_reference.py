import csv

import pytest

from semaine.models import Department, Region, Trade

pytestmark = pytest.mark.django_db


def test_territories_are_complete():
    assert Region.objects.count() == 18
    assert Department.objects.count() == 101
    per_region = {r.code: r.departments.count() for r in Region.objects.all()}
    assert per_region["84"] == 12
    assert per_region["76"] == 13
    assert per_region["94"] == 2
    assert Department.objects.get(code="2A").region_id == "94"
    assert not Department.objects.filter(code="20").exists()


def test_overseas_departments_have_their_own_time_zone():
    zones = dict(Department.objects.values_list("code", "time_zone"))
    assert zones["974"] == "Indian/Reunion"
    assert zones["973"] == "America/Cayenne"
    assert zones["976"] == "Indian/Mayotte"
    assert zones["69"] == "Europe/Paris"


def test_territories_match_the_shared_reference(shared_reference):
    with open(shared_reference / "regions.csv", encoding="utf-8") as f:
        regions = {row["code"]: row["name"] for row in csv.DictReader(f)}
    with open(shared_reference / "departements.csv", encoding="utf-8") as f:
        departments = {row["code"]: (row["name"], row["region_code"]) for row in csv.DictReader(f)}
    assert dict(Region.objects.values_list("code", "name")) == regions
    assert {d.code: (d.name, d.region_id) for d in Department.objects.all()} == departments


def test_department_articles_match_the_shared_reference(shared_reference):
    from semaine.reference.data import DEPARTMENT_NAME_TYPES

    with open(shared_reference / "departements_cog2022_full.csv", encoding="utf-8") as f:
        name_types = {row["DEP"]: int(row["TNCC"]) for row in csv.DictReader(f)}
    assert name_types == DEPARTMENT_NAME_TYPES


def test_trades_match_the_shared_reference(shared_reference):
    with open(shared_reference / "rome_soin_v4.csv", encoding="utf-8") as f:
        v4 = {row["code"]: (row["label"], row["parent_code_v3"]) for row in csv.DictReader(f)}
    with open(shared_reference / "rome_soin.csv", encoding="utf-8") as f:
        v3 = {row["code"]: row["label"] for row in csv.DictReader(f)}
    assert {
        t.code: (t.label, t.parent.code) for t in Trade.objects.current().select_related("parent")
    } == v4
    assert dict(Trade.objects.filter(version="v3").values_list("code", "label")) == v3


def test_v3_codes_map_to_the_right_v4_trade():
    from semaine.reference.data import ROME_V3_TO_V4

    # AES moved from K1301/K1302 to K1306: K1301 in v4 is another trade.
    assert ROME_V3_TO_V4["J1501"] == "J1501"
    assert ROME_V3_TO_V4["K1302"] in ("K1302", "K1306", "K1311")
    assert set(ROME_V3_TO_V4.values()) <= set(
        Trade.objects.current().values_list("code", flat=True)
    )


def test_communes_match_the_shared_reference(shared_reference):
    from semaine.models import Commune

    with open(shared_reference / "communes.csv", encoding="utf-8") as f:
        expected = {
            row["insee"]: (
                row["name"],
                row["department"],
                row["parent"] or None,
                row["postcodes"].split(),
                int(row["population"]),
                float(row["latitude"]),
                float(row["longitude"]),
            )
            for row in csv.DictReader(f)
        }
    loaded = {
        c[0]: c[1:]
        for c in Commune.objects.values_list(
            "insee",
            "name",
            "department_id",
            "parent_id",
            "postcodes",
            "population",
            "latitude",
            "longitude",
        )
    }
    assert len(loaded) == 34_920
    assert loaded == expected
    departments = set(Department.objects.values_list("code", flat=True))
    assert {row[1] for row in loaded.values()} == departments
