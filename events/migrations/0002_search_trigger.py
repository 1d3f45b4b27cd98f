from django.db import migrations

# The vector includes the organiser's name, which lives in another table: a generated column
# cannot reach it, a trigger can. Renaming an organiser refreshes its events.
FORWARD = """
CREATE OR REPLACE FUNCTION events_event_search_vector() RETURNS trigger AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('french_unaccent', coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('french_unaccent', coalesce(
            (SELECT name FROM events_organiser WHERE id = NEW.organiser_id), '')), 'B')
        || setweight(to_tsvector('french_unaccent', coalesce(NEW.city, '')), 'B')
        || setweight(to_tsvector('french_unaccent', coalesce(NEW.description, '')), 'C');
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER events_event_search_vector_update
    BEFORE INSERT OR UPDATE OF title, description, city, organiser_id ON events_event
    FOR EACH ROW EXECUTE FUNCTION events_event_search_vector();

CREATE OR REPLACE FUNCTION events_organiser_renamed() RETURNS trigger AS $$
BEGIN
    UPDATE events_event SET organiser_id = organiser_id WHERE organiser_id = NEW.id;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER events_organiser_renamed
    AFTER UPDATE OF name ON events_organiser
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION events_organiser_renamed();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS events_organiser_renamed ON events_organiser;
DROP FUNCTION IF EXISTS events_organiser_renamed();
DROP TRIGGER IF EXISTS events_event_search_vector_update ON events_event;
DROP FUNCTION IF EXISTS events_event_search_vector();
"""


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial"), ("semaine", "0002_search_configuration")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
