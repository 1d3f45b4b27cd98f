"""`make bench`'s choices that a run relies on: BENCH_ONLY, and cold selections that are
valid pages, each asked for once."""

import random

import pytest

from bench import run
from tests.factories import EventFactory, OfferFactory


def test_bench_only_runs_the_named_scenarios_in_the_runs_order(monkeypatch):
    monkeypatch.setenv("BENCH_ONLY", "cold, baseline,ceiling")

    assert run.selected_scenarios() == ("baseline", "ceiling", "cold")


def test_without_bench_only_everything_runs(monkeypatch):
    monkeypatch.delenv("BENCH_ONLY", raising=False)

    assert run.selected_scenarios() == run.SCENARIOS + run.EXTRAS


def test_an_unknown_scenario_name_is_refused_with_the_known_ones(monkeypatch):
    monkeypatch.setenv("BENCH_ONLY", "baseline,froid")

    with pytest.raises(SystemExit, match="unknown froid; known: baseline, ceiling"):
        run.selected_scenarios()


@pytest.mark.django_db
def test_cold_selections_are_distinct_pages_that_answer(client):
    EventFactory.create_batch(3)
    OfferFactory.create_batch(3)
    vocabulary = run.cold_vocabulary()
    rng = random.Random(7)

    for urls in (
        run.cold_listing_urls(rng, vocabulary, 300),
        run.cold_offers_urls(rng, vocabulary, 300),
    ):
        assert len(set(urls)) == len(urls) == 300
        assert any("lieu=" in url and "rayon=" in url for url in urls)
        assert any("q=" in url for url in urls) and any("page=" in url for url in urls)
        for url in urls[:25]:
            assert client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_the_named_cold_selections_answer(client):
    EventFactory()
    selections = run.cold_named_selections()

    assert selections["events_region84_job_dating_soin"] == (
        "/evenements/?region=84&type=job_dating&q=soin"
    )
    assert "lieu=" in selections["offers_place_30km"]
    for path in selections.values():
        assert client.get(path).status_code == 200, path
