import re

import pytest

from events.models import Event
from semaine.models import Department
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def test_widget_lists_the_filtered_events_and_may_be_framed_by_any_site(client):
    lyon = EventFactory(title="Forum de Lyon")
    EventFactory(title="Forum de Toulouse", department=Department.objects.get(code="31"))
    response = client.get("/widget/evenements/", {"region": "84"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Forum de Lyon" in html and "Forum de Toulouse" not in html
    assert "Événements en Auvergne-Rhône-Alpes" in html
    assert lyon.get_absolute_url() in html
    assert "X-Frame-Options" not in response
    assert "frame-ancestors *" in response["Content-Security-Policy"]
    # Links leave the partner's frame for a new tab.
    assert '<base target="_blank">' in html
    assert '<html lang="fr">' in html


def test_the_rest_of_the_site_still_refuses_to_be_framed(client):
    response = client.get("/evenements/")
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(("nombre", "shown"), [("3", 3), ("abc", 10), ("-4", 1), ("9999", 12)])
def test_widget_shows_a_bounded_number_of_events(client, nombre, shown):
    EventFactory.create_batch(12)
    html = client.get("/widget/evenements/", {"nombre": nombre}).content.decode()
    assert html.count('class="card"') == shown
    if shown < 12:
        assert "Voir les 12 événements" in html


def test_widget_ignores_an_invalid_filter_like_the_listing(client):
    EventFactory(title="Forum de Lyon")
    response = client.get("/widget/evenements/", {"region": "ZZ"})
    assert response.status_code == 200
    assert "Forum de Lyon" in response.content.decode()


def test_widget_with_nothing_to_show_says_so(client):
    html = client.get("/widget/evenements/", {"region": "84"}).content.decode()
    assert "Aucun événement à venir" in html


def test_partners_page_builds_the_snippet_and_links_of_the_chosen_filters(client):
    EventFactory(type=Event.Type.FORUM)
    response = client.get(
        "/partenaires/", {"region": "84", "type": ["forum", "atelier"], "page": "3"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Partenaires : widget, exports et API" in html
    query = "region=84&amp;type=forum&amp;type=atelier"
    base = "http://127.0.0.1:8000"
    assert f"{base}/widget/evenements/?{query}" in html
    assert "&lt;iframe src=&quot;" in html  # the snippet, escaped in its textarea
    # The preview frames our own origin, whatever SITE_URL says (CSP frame-src 'self').
    assert f'<iframe src="/widget/evenements/?{query}"' in html
    for fmt in ("csv", "xlsx", "ics", "json"):
        assert f'href="{base}/evenements/export.{fmt}?{query}"' in html
    assert f'href="webcal://127.0.0.1:8000/evenements/export.ics?{query}"' in html
    assert f'href="{base}/api/v1/evenements/?{query}"' in html
    assert "1 événement dans cette sélection" in html
    # The form keeps the choices.
    assert re.search(r'<option value="84" selected>', html)
    assert 'id="type-forum" checked' in html


def test_partners_page_leaves_invalid_values_out_of_its_links(client):
    html = client.get("/partenaires/", {"region": "ZZ", "departement": "69"}).content.decode()
    assert "Certaines valeurs sont invalides" in html
    assert 'aria-describedby="id_region_error"' in html
    assert "/evenements/export.csv?departement=69&quot;" not in html
    assert 'href="http://127.0.0.1:8000/evenements/export.csv?departement=69"' in html


def test_partners_page_without_filters_links_the_default_selection(client):
    html = client.get("/partenaires/").content.decode()
    assert 'href="http://127.0.0.1:8000/evenements/export.csv"' in html
    assert "0 événement dans cette sélection" in html
