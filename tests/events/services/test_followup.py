"""The follow-up the day after: a survey for those who came, next events for those who did not;
once per person, with consent, answered once and anonymously."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from events.models import Registration, SurveyAnswer
from events.services.attendance import attendance_purge
from events.services.followup import (
    SurveyError,
    followups_queue,
    survey_answer,
    survey_answer_from_token,
)
from events.tasks import queue_followups
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

PRESENT, ABSENT = Registration.Attendance.PRESENT, Registration.Attendance.ABSENT


def ended_days_ago(days, **kwargs):
    start = timezone.now() - datetime.timedelta(days=days, hours=3)
    return EventFactory(start=start, end=start + datetime.timedelta(hours=2), **kwargs)


def registrant(event, attendance, consent=True, **kwargs):
    return RegistrationFactory(
        event=event, attendance=attendance, consent_contact=consent, **kwargs
    )


def test_the_day_after_attendees_get_the_survey_and_no_shows_the_next_events(emails_sent):
    event = ended_days_ago(1, trades=["J1501"], title="Job dating EHPAD")
    came = registrant(event, PRESENT, first_name="Paul")
    missed = registrant(event, ABSENT, first_name="Zoé")
    registrant(event, "")  # not recorded: nobody knows which e-mail fits
    registrant(event, PRESENT, consent=False)
    next_one = EventFactory(trades=["J1501"], title="Forum aide-soignant à Lyon")
    EventFactory(trades=["K2111"], title="Atelier petite enfance")

    with emails_sent():
        assert queue_followups(timestamp=0) == 2

    by_person = {message.to[0]: message for message in mail.outbox}
    survey = by_person[came.email]
    assert "trois questions" in survey.subject
    assert "Cet événement vous a-t-il été utile ?" in survey.body
    assert survey.body.count("/avis/") == 8  # 3 + 2 + 3 one-click answers
    other = by_person[missed.email]
    assert "Forum aide-soignant à Lyon" in other.body
    assert next_one.get_absolute_url() in other.body
    assert "petite enfance" not in other.body


def test_a_follow_up_is_queued_once_per_person_whatever_the_runs(emails_sent):
    event = ended_days_ago(1)
    registrant(event, PRESENT)

    with emails_sent():
        assert followups_queue() == 1
        assert followups_queue() == 0

    assert len(mail.outbox) == 1


def test_no_follow_up_on_the_event_day_nor_weeks_later():
    start = timezone.localtime().replace(hour=0, minute=1)
    today = EventFactory(start=start, end=start + datetime.timedelta(minutes=30))
    registrant(today, PRESENT)
    registrant(ended_days_ago(10), PRESENT)

    assert followups_queue() == 0


def one_click_links(message):
    return re.findall(r"http\S+/inscriptions/(\S+)/avis/", message.body)


def test_an_answer_is_recorded_once_and_anonymously(client, emails_sent):
    event = ended_days_ago(1)
    registration = registrant(event, PRESENT)
    with emails_sent():
        followups_queue()
    useful_yes = one_click_links(mail.outbox[0])[0]
    url = f"/inscriptions/{useful_yes}/avis/"

    page = client.get(url)  # opening the link (or a mail scanner doing so) records nothing
    assert "Envoyer ma réponse : Oui" in page.text
    assert not SurveyAnswer.objects.exists()

    assert "Merci pour votre réponse" in client.post(url).text
    assert "Déjà répondu" in client.post(url).text
    answer = SurveyAnswer.objects.get()
    assert (answer.event, answer.question, answer.answer) == (event, "useful", "oui")
    field_names = {field.name for field in SurveyAnswer._meta.get_fields()}
    assert not field_names & {"registration", "email", "first_name", "last_name"}
    assert Registration.objects.get(pk=registration.pk).survey_answered == ["useful"]


def test_a_forged_answer_link_is_refused(client):
    registration = registrant(ended_days_ago(1), PRESENT)

    for bad in ["forged", registration.survey_token("useful", "peut-être")]:
        response = client.get(f"/inscriptions/{bad}/avis/")
        assert response.status_code == 400
        assert "pas valide" in response.text
    with pytest.raises(SurveyError):
        survey_answer_from_token(registration.checkin_token())


def test_after_the_purge_the_answers_stay_and_nothing_ties_them_to_anyone():
    registration = registrant(ended_days_ago(1), PRESENT)
    survey_answer(registration=registration, question="next", answer="postuler")
    Registration.objects.filter(pk=registration.pk).update(
        anonymised_at=timezone.now()
    )  # as registrations_purge does
    event = registration.event
    event.end = timezone.now() - datetime.timedelta(days=400)
    event.start = event.end - datetime.timedelta(hours=2)
    event.save()

    attendance_purge()

    assert Registration.objects.get(pk=registration.pk).survey_answered == []
    assert SurveyAnswer.objects.get().answer == "postuler"
    with pytest.raises(SurveyError, match="clos"):
        survey_answer_from_token(registration.survey_token("useful", "oui"))
