"""The follow-up survey sent the day after an event: its questions and its anonymous answers."""

from django.db import models

from events.models.event import Event

# The three one-click questions: key → (question, {answer: label}), in the order of the e-mail.
QUESTIONS = {
    "useful": (
        "Cet événement vous a-t-il été utile ?",
        {"oui": "Oui", "un_peu": "Un peu", "non": "Non"},
    ),
    "contacts": (
        "Avez-vous rencontré des employeurs ou des organismes de formation à recontacter ?",
        {"oui": "Oui", "non": "Non"},
    ),
    "next": (
        "Et maintenant ?",
        {"postuler": "Je vais postuler", "se_former": "Je vais me former", "rien": "Rien encore"},
    ),
}
SURVEY_TOKEN_SALT = "events.registration.survey"  # noqa: S105 - a namespace, not a secret


class SurveyAnswer(models.Model):
    """One answer to one question, tied to the event only: nothing links it to the person who
    gave it (the registration only records which questions were answered, for "once")."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="survey_answers", verbose_name="événement"
    )
    question = models.CharField("question", max_length=20)
    answer = models.CharField("réponse", max_length=20)
    # The day only: an exact time could be matched with a registration's.
    answered_on = models.DateField("répondu le", auto_now_add=True)

    class Meta:
        verbose_name = "réponse au questionnaire"
        verbose_name_plural = "réponses au questionnaire"
        indexes = [models.Index(fields=["event", "question", "answer"], name="survey_counts")]

    def __str__(self):
        return f"Réponse n° {self.pk} — {self.event}"
