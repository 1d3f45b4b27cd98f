"""The querysets of events and registrations: one meaning each, and the only way to filter on a
status; the rules' messages, worded once for the database and for the forms."""

import ast
import datetime
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from events.models import Event, Registration, rules
from tests.factories import EventFactory, RegistrationFactory, in_days

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def events():
    return {
        "draft": EventFactory(status=Event.Status.DRAFT),
        "published": EventFactory(status=Event.Status.PUBLISHED),
        "cancelled": EventFactory(status=Event.Status.CANCELLED),
    }


def names(queryset, events):
    pks = set(queryset.values_list("pk", flat=True))
    return {name for name, event in events.items() if event.pk in pks}


def test_each_event_queryset_has_one_meaning(events):
    assert names(Event.objects.published(), events) == {"published"}
    assert names(Event.objects.public(), events) == {"published", "cancelled"}
    assert names(Event.objects.drafts(), events) == {"draft"}
    assert names(Event.objects.not_cancelled(), events) == {"draft", "published"}
    assert all(event.is_public == (name != "draft") for name, event in events.items())


def test_seats_left_leaves_out_full_and_cancelled_events():
    EventFactory(title="Complet", capacity_onsite=2, confirmed_onsite=2)
    EventFactory(title="Annulé", capacity_onsite=None, status=Event.Status.CANCELLED)
    EventFactory(title="Sans limite", capacity_onsite=None)
    EventFactory(title="Une place", capacity_onsite=2, confirmed_onsite=1)
    EventFactory(
        title="Places en ligne",
        modalite=Event.Modalite.HYBRIDE,
        capacity_onsite=1,
        confirmed_onsite=1,
        capacity_online=5,
    )

    titles = set(Event.objects.with_seats_left().values_list("title", flat=True))

    assert titles == {"Sans limite", "Une place", "Places en ligne"}


def test_each_registration_queryset_has_one_meaning():
    event = EventFactory()
    draft = EventFactory(status=Event.Status.DRAFT)
    for status in Registration.Status:
        RegistrationFactory(event=event, status=status, email=f"{status.value}@example.org")
    RegistrationFactory(event=draft, email="brouillon@example.org")

    def emails(queryset):
        return set(queryset.values_list("email", flat=True))

    assert emails(Registration.objects.confirmed().filter(event=event)) == {"confirmed@example.org"}
    assert emails(Registration.objects.waitlisted()) == {"waitlisted@example.org"}
    assert emails(event.registrations.active()) == {
        "confirmed@example.org",
        "waitlisted@example.org",
    }
    assert emails(Registration.objects.to_published_events()) == {
        f"{status.value}@example.org" for status in Registration.Status
    }


# -- one wording per rule ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("constraint", "overrides", "field"),
    [
        ("event_end_after_start", {"end": in_days(1, hour=9)}, "end"),
        ("event_lasts_at_most_31_days", {"end": in_days(40)}, "end"),
        ("event_online_has_link", {"modalite": Event.Modalite.DISTANCIEL}, "online_url"),
    ],
)
def test_clean_says_what_the_check_constraint_says(constraint, overrides, field):
    (check,) = [c for c in Event._meta.constraints if c.name == constraint]
    event = EventFactory.build(start=in_days(1), online_url="", **overrides)

    with pytest.raises(ValidationError) as error:
        event.clean()

    assert error.value.message_dict == {field: [check.violation_error_message]}


def test_the_onsite_rule_names_the_missing_field_in_the_constraint_s_words():
    (check,) = [c for c in Event._meta.constraints if c.name == "event_onsite_has_address"]
    # Without a postcode either: a postcode would give the department (Event.clean_place).
    event = EventFactory.build(start=in_days(1), address="", postcode="", department=None)

    with pytest.raises(ValidationError) as error:
        event.clean()

    assert check.violation_error_message == rules.ONSITE_HAS_ADDRESS_AND_DEPARTMENT
    assert error.value.message_dict == {
        "address": [rules.ONSITE_HAS_ADDRESS],
        "department": [rules.ONSITE_HAS_DEPARTMENT],
    }


def test_an_onsite_event_without_department_takes_its_postcodes():
    event = EventFactory.build(
        start=in_days(1), postcode="97139", city="Les Abymes", department=None
    )

    event.clean()

    assert event.department_id == "971"


def test_an_online_only_event_has_no_venue():
    (check,) = [c for c in Event._meta.constraints if c.name == "event_online_has_no_venue"]
    event = EventFactory.build(
        start=in_days(1), modalite=Event.Modalite.DISTANCIEL, postcode="69003", city="Lyon"
    )

    with pytest.raises(ValidationError) as error:
        event.clean()

    # Said once, next to the first field to empty, in the constraint's words.
    assert error.value.message_dict == {"postcode": [check.violation_error_message]}
    event.postcode = event.city = ""
    event.clean()
    # Hybrid and on-site events keep theirs.
    EventFactory.build(start=in_days(1), modalite=Event.Modalite.HYBRIDE).clean()


def test_the_database_refuses_an_online_only_event_with_a_town():
    with pytest.raises(IntegrityError), transaction.atomic():
        EventFactory(modalite=Event.Modalite.DISTANCIEL, city="Lyon")
    online = EventFactory(modalite=Event.Modalite.DISTANCIEL)
    assert (online.venue_name, online.address, online.postcode, online.city) == ("", "", "", "")


def test_every_constraint_message_is_one_of_the_rules():
    worded = {value for name, value in vars(rules).items() if name.isupper()}
    for model in (Event, Registration):
        for constraint in model._meta.constraints:
            message = constraint.violation_error_message
            if message != constraint.default_violation_error_message:
                assert message in worded, constraint.name


# -- no status value outside the models ----------------------------------------------------------

STATUS_VALUES = {s.value for s in (*Event.Status, *Registration.Status)} | {"open", "closed"}


def _status_literals(tree):
    """Status values written as strings where a status is filtered on or compared."""
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and "status" in (node.arg or "").split("__"):
            values = (
                node.value.elts if isinstance(node.value, ast.List | ast.Tuple) else [node.value]
            )
            for value in values:
                if isinstance(value, ast.Constant) and value.value in STATUS_VALUES:
                    yield node.lineno, value.value
        elif isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(isinstance(s, ast.Attribute) and s.attr == "status" for s in sides):
                for side in sides:
                    if isinstance(side, ast.Constant) and side.value in STATUS_VALUES:
                        yield node.lineno, side.value


def test_no_status_value_is_written_outside_the_models():
    offending = []
    for package in ("events", "offers", "semaine", "bench"):
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or relative.startswith("events/models/"):
                continue
            if relative == "offers/models.py":
                continue
            for line, value in _status_literals(ast.parse(path.read_text())):
                offending.append(f"{relative}:{line}: {value!r}")
    for path in sorted((ROOT / "templates").rglob("*.*")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r"\.status\s*[!=]=", line):
                offending.append(f"{path.relative_to(ROOT).as_posix()}:{number}")
    assert offending == []


# -- « à surveiller »: published, starting within 7 days, less than 30 % of its seats taken --


NOW = in_days(0, hour=12)


@pytest.mark.parametrize(
    ("label", "overrides", "watched"),
    [
        ("29 % taken, in 3 days", {}, True),
        ("30 % taken: not less than 30 %", {"confirmed_onsite": 30}, False),
        ("starting in exactly 7 days", {"start": NOW + datetime.timedelta(days=7)}, True),
        (
            "starting a minute after the 7 days",
            {"start": NOW + datetime.timedelta(days=7, minutes=1)},
            False,
        ),
        ("already started", {"start": NOW - datetime.timedelta(minutes=1)}, False),
        ("a draft", {"status": Event.Status.DRAFT}, False),
        ("cancelled", {"status": Event.Status.CANCELLED}, False),
        ("no seat limit", {"capacity_onsite": None, "confirmed_onsite": 0}, False),
        (
            "hybrid, 25 % of both modes' seats",
            {
                "modalite": Event.Modalite.HYBRIDE,
                "capacity_onsite": 50,
                "capacity_online": 50,
                "confirmed_onsite": 20,
                "confirmed_online": 5,
            },
            True,
        ),
        (
            "hybrid with unlimited online seats",
            {"modalite": Event.Modalite.HYBRIDE, "capacity_online": None},
            False,
        ),
    ],
)
def test_the_events_to_watch(label, overrides, watched):
    fields = {
        "start": NOW + datetime.timedelta(days=3),
        "capacity_onsite": 100,
        "confirmed_onsite": 29,
        **overrides,
    }
    fields.setdefault("end", fields["start"] + datetime.timedelta(hours=2))
    event = EventFactory(**fields)

    assert Event.objects.at_risk(now=NOW).filter(pk=event.pk).exists() is watched, label
