from django.apps import AppConfig


class SemaineConfig(AppConfig):
    name = "semaine"
    verbose_name = "Semaine du soin"
