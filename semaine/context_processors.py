from semaine.models import Edition


def site(request):
    return {"current_edition": Edition.objects.current_cached()}
