"""A postcode's department, from the communes reference, and the check of a chosen one."""

import pytest

from semaine.geo.postcodes import check_postcode, postcode_department, postcode_departments
from semaine.models import Department

pytestmark = pytest.mark.django_db


def test_a_chosen_department_other_than_the_postcodes_is_named_in_the_error():
    check = check_postcode("69003", city="Lyon", department="13")

    assert check.field == "department"
    assert check.error == (
        "Le code postal 69003 est dans le Rhône (69), pas dans les Bouches-du-Rhône (13)."
    )


def test_the_postcodes_own_department_passes():
    assert check_postcode("69003", city="Lyon", department="69") == check_postcode(
        "69003", department="69"
    )
    assert not check_postcode("69003", department="69").error


@pytest.mark.parametrize(
    ("postcode", "city", "department"),
    [
        ("20000", "Ajaccio", "2A"),
        ("20090", "Ajaccio", "2A"),
        ("20200", "Bastia", "2B"),
        ("97139", "Les Abymes", "971"),
        ("97400", "Saint-Denis", "974"),
        ("97600", "Mamoudzou", "976"),
        ("94390", "Paray-Vieille-Poste", "91"),  # a Val-de-Marne postcode in the Essonne
    ],
)
def test_corsican_overseas_and_odd_postcodes_give_the_communes_department(
    postcode, city, department
):
    assert postcode_department(postcode, city) == department
    assert not check_postcode(postcode, city=city, department=department).error


def test_corsican_postcodes_are_not_the_other_corsica():
    check = check_postcode("20200", city="Bastia", department="2A")

    assert check.error == (
        "Le code postal 20200 est en Haute-Corse (2B), pas en Corse-du-Sud (2A)."
    )


def test_a_postcode_of_two_departments_accepts_either():
    assert postcode_departments("01200") == ("01", "74")
    assert not check_postcode("01200", city="Valserhône", department="01").error
    assert not check_postcode("01200", city="Éloise", department="74").error
    assert check_postcode("01200", department="73").error == (
        "Le code postal 01200 est dans l'Ain (01) ou dans la Haute-Savoie (74), pas dans la "
        "Savoie (73)."
    )


def test_a_postcode_of_two_departments_left_without_one_takes_the_citys():
    assert postcode_department("01200", "Éloise") == "74"
    assert postcode_department("13780", "Cuges-les-Pins") == "13"
    check = check_postcode("01200", city="Ailleurs")
    assert check.department is None
    assert check.error == (
        "Le code postal 01200 est dans l'Ain (01) ou dans la Haute-Savoie (74) : choisissez "
        "le département."
    )


@pytest.mark.parametrize("postcode", ["6900", "690030", "69 03", "2A004", "ABCDE"])
def test_a_postcode_that_is_not_five_digits_is_an_error_never_padded(postcode):
    check = check_postcode(postcode, city="Lyon", department="69")

    assert check.field == "postcode"
    assert check.error.startswith(f"Code postal invalide : « {postcode} » (5 chiffres")
    assert check.department is None


def test_a_four_digit_postcode_says_why_a_spreadsheet_made_it():
    assert "au format texte" in check_postcode("6900").error


def test_a_postcode_no_commune_has_is_an_error():
    check = check_postcode("99999", city="Lyon")

    assert check.field == "postcode"
    assert check.error == "Le code postal 99999 n'existe pas : aucune commune ne l'a."


def test_a_cedex_postcode_is_placed_by_its_first_digits():
    assert postcode_departments("69441") == ()
    assert postcode_department("69441", "Lyon Cedex 03") == "69"
    assert check_postcode("69441", city="Lyon Cedex 03", department="13").field == "department"
    assert check_postcode("69441", city="Lyon").field == "postcode"


def test_no_postcode_checks_nothing():
    assert check_postcode("", department="13") == check_postcode(" ", department="13")
    assert not check_postcode("", department="13").error


@pytest.mark.parametrize(
    ("code", "phrase"),
    [
        ("69", "dans le Rhône (69)"),
        ("13", "dans les Bouches-du-Rhône (13)"),
        ("01", "dans l'Ain (01)"),
        ("33", "dans la Gironde (33)"),
        ("75", "à Paris (75)"),
        ("974", "à La Réunion (974)"),
        ("976", "à Mayotte (976)"),
        ("971", "en Guadeloupe (971)"),
        ("2A", "en Corse-du-Sud (2A)"),
        ("35", "en Ille-et-Vilaine (35)"),
        ("49", "en Maine-et-Loire (49)"),
    ],
)
def test_a_department_is_named_with_its_article(code, phrase):
    assert Department.objects.get(code=code).inside == phrase


def test_every_department_has_its_article():
    from semaine.reference.data import DEPARTMENT_NAME_TYPES

    assert set(DEPARTMENT_NAME_TYPES) == set(Department.objects.values_list("code", flat=True))
