"""Two gunicorn instances sharing the database and a Redis cache: any instance serves anyone."""

import pytest
from django.db import connection
from django.test import override_settings

from events.models import Registration
from tests.factories import EventFactory
from tests.semaine.servers import (
    SECRET_KEY,
    Browser,
    Gunicorn,
    RedisServer,
    collected_static,
    database_url,
    production_env,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def instances(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("two-instances")
    try:
        redis = RedisServer(workdir)
    except FileNotFoundError:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    env = production_env(
        DATABASE_URL=database_url(connection.settings_dict),
        CACHE_URL=redis.url,
        STATIC_ROOT=str(collected_static(tmp_path_factory.getbasetemp())),
    )
    servers = [Gunicorn(env, workdir / f"gunicorn-{n}.log") for n in (1, 2)]
    try:
        for server in servers:
            server.wait_ready()
        yield [server.url for server in servers]
    finally:
        for server in servers:
            server.stop()
        redis.stop()


def test_a_visitor_alternating_between_two_instances_browses_registers_and_cancels(instances):
    first, second = instances
    browser = Browser()
    for base in instances:
        assert browser.get(base, "/readyz")[::2] == (200, "ok")
    event = EventFactory(title="Forum des métiers du grand âge", capacity_onsite=5)

    status, _, listing = browser.get(first, "/evenements/")
    assert status == 200 and "Forum des métiers du grand âge" in listing
    status, _, _ = browser.get(second, event.get_absolute_url())
    assert status == 200

    # The form (and its CSRF cookie) come from one instance, the submission goes to the other.
    register = f"/evenements/{event.pk}/inscription/"
    status, _, form = browser.get(first, register)
    assert status == 200
    status, headers, _ = browser.post_form(
        second,
        register,
        form,
        {"first_name": "Inès", "last_name": "Durand", "email": "ines@example.org"}
        | {"consent_contact": "on", "website": ""},
    )
    assert status == 302, "the registration was refused"

    # The answer page is found through the session, on the other instance.
    status, _, done = browser.get(first, headers["Location"])
    assert status == 200 and "Vérifiez votre boîte mail" in done
    registration = Registration.objects.get(email="ines@example.org")
    assert registration.status == Registration.Status.PENDING
    # The link of the e-mail opened on one instance, its button pressed on the other.
    with override_settings(SECRET_KEY=SECRET_KEY):
        confirm = f"/inscriptions/{registration.confirm_token()}/confirmer/"
    status, _, page = browser.get(second, confirm)
    assert status == 200
    status, _, page = browser.post_form(first, confirm, page, {})
    assert status == 200 and "Votre inscription est confirmée" in page
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED

    with override_settings(SECRET_KEY=SECRET_KEY):
        cancel = f"/inscriptions/{registration.cancel_token()}/annuler/"
    status, _, page = browser.get(second, cancel)
    assert status == 200
    status, _, page = browser.post_form(first, cancel, page, {})
    assert status == 200 and "Votre inscription est annulée" in page
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED

    # Both instances show the freed seat at once: the page cache is shared and versioned.
    for base in (first, second):
        status, _, page = browser.get(base, event.get_absolute_url())
        assert status == 200


def test_a_form_posted_without_its_csrf_cookie_is_refused_by_either_instance(instances):
    event = EventFactory()
    register = f"/evenements/{event.pk}/inscription/"
    status, _, form = Browser().get(instances[0], register)
    status, _, _ = Browser().post_form(
        instances[1], register, form, {"first_name": "A", "last_name": "B", "email": "a@b.fr"}
    )
    assert status == 403
