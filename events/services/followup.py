"""The follow-up of an event, the day after: a three-question survey for those who came, the
next events of the same trades near them for those who did not.

Only to registrants who agreed to be contacted (`consent_contact`), whose attendance was
recorded, and before their data is purged. Each registration is claimed (`followup_sent_at`) in
the transaction that queues its e-mail: one follow-up per person, whatever the number of runs.
The answers are stored apart from the registration (events.models.SurveyAnswer), which only
remembers which questions were answered, so that each counts once.
"""

import datetime

from django.core import signing
from django.db import transaction
from django.utils import timezone

from events import emails
from events.models import QUESTIONS, Registration, SurveyAnswer
from events.models.survey import SURVEY_TOKEN_SALT

# Events that ended up to this many days before today still get their follow-up (a worker
# down for a day delays it); older ones do not: a survey weeks later is noise.
FOLLOWUP_WINDOW_DAYS = 3
# The answer links stay valid a month: the e-mail is read late, the answers still count.
SURVEY_TOKEN_MAX_AGE = datetime.timedelta(days=30)

KINDS = {
    Registration.Attendance.PRESENT: "followup_survey",
    Registration.Attendance.ABSENT: "followup_missed",
}


class SurveyError(Exception):
    """An answer link the rules refuse; the message is shown to the person."""


def followups_due(now: datetime.datetime | None = None):
    """Registrations whose follow-up is due: their event ended before today (local time),
    within the window; attendance recorded; consent given; not sent yet; not anonymised."""
    now = now or timezone.now()
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return (
        Registration.objects.confirmed()
        .to_published_events()
        .filter(
            event__end__lt=today,
            event__end__gte=today - datetime.timedelta(days=FOLLOWUP_WINDOW_DAYS),
            attendance__in=list(KINDS),
            consent_contact=True,
            followup_sent_at__isnull=True,
            anonymised_at__isnull=True,
        )
        .order_by("id")
    )


def followups_queue(*, now: datetime.datetime | None = None) -> int:
    """Queue the follow-up e-mail of every registration due for it; returns how many."""
    queued = 0
    for registration in followups_due(now):
        with transaction.atomic():
            claimed = Registration.objects.filter(
                pk=registration.pk, followup_sent_at__isnull=True
            ).update(followup_sent_at=timezone.now())
            if claimed:
                emails.queue_email(KINDS[registration.attendance], registration)
                queued += 1
    return queued


def survey_answer_from_token(token: str) -> tuple[Registration, str, str]:
    """(registration, question, answer) of a one-click answer link; SurveyError if forged."""
    try:
        data = signing.loads(token, salt=SURVEY_TOKEN_SALT, max_age=SURVEY_TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        raise SurveyError("Ce lien de réponse a expiré.") from None
    except signing.BadSignature:
        raise SurveyError("Ce lien de réponse n'est pas valide.") from None
    question, answer = (data.get("q"), data.get("a")) if isinstance(data, dict) else (None, None)
    if question not in QUESTIONS or answer not in QUESTIONS[question][1]:
        raise SurveyError("Ce lien de réponse n'est pas valide.")
    registration = (
        Registration.objects.select_related("event")
        .filter(pk=data.get("r"), anonymised_at__isnull=True)
        .first()
        if isinstance(data.get("r"), int)
        else None
    )
    if registration is None:
        raise SurveyError("Ce questionnaire est clos : les données de l'inscription sont effacées.")
    return registration, question, answer


@transaction.atomic
def survey_answer(*, registration: Registration, question: str, answer: str) -> bool:
    """Record one answer, anonymously; False when this question was already answered."""
    locked = Registration.objects.select_for_update().get(pk=registration.pk)
    if question in locked.survey_answered:
        return False
    locked.survey_answered = [*locked.survey_answered, question]
    locked.save(update_fields=["survey_answered"])
    SurveyAnswer.objects.create(event_id=locked.event_id, question=question, answer=answer)
    return True
