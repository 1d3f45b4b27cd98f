from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class SemaineConfig(AppConfig):
    name = "semaine"
    verbose_name = "Semaine du soin"

    def ready(self):
        from django.conf import settings

        from semaine import site_url

        if not settings.DEBUG:
            # Every process: the web's, and the workers' that write the e-mails' links.
            site_url.warn_at_start()


class StaffAdminConfig(admin_apps.AdminConfig):
    """Django's admin, whose default site asks staff for a second factor (semaine.admin_site)."""

    default = False  # named in INSTALLED_APPS instead of django.contrib.admin
    default_site = "semaine.admin_site.StaffAdminSite"
