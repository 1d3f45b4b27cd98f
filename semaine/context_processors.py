from semaine.errors import DATABASE_UNAVAILABLE
from semaine.models import Edition


def site(request):
    try:
        edition = Edition.objects.current_cached()
    except DATABASE_UNAVAILABLE:
        # The footer goes without its edition while the database is away: the page that says
        # so (a registration form kept, a cached page) must still render.
        edition = None
    return {"current_edition": edition}
