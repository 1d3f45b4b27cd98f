"""The one-click answers of the follow-up survey, without login.

The e-mail's link opens a page that shows the answer with one button to send it: mail
scanners open every link of a message, and a GET that recorded the answer would let them
answer every question in the person's place.
"""

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from events.models import QUESTIONS
from events.services.followup import SurveyError, survey_answer, survey_answer_from_token
from semaine.db_router import reads_primary

TEMPLATE = "events/survey_answer.html"


@reads_primary
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def answer(request, token):
    try:
        registration, question, value = survey_answer_from_token(token)
    except SurveyError as exc:
        return render(request, TEMPLATE, {"error": str(exc)}, status=400)
    label, answers = QUESTIONS[question]
    context = {
        "event": registration.event,
        "question": label,
        "answer": answers[value],
        "already": question in registration.survey_answered,
    }
    if request.method == "POST" and not context["already"]:
        recorded = survey_answer(registration=registration, question=question, answer=value)
        context.update(recorded=recorded, already=not recorded)
    return render(request, TEMPLATE, context)
