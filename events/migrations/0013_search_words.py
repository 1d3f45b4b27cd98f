from django.db import migrations

# Typos are corrected to words that exist (semaine.search.typos): the words of events' titles
# and cities and of organisers' names go into semaine_searchword (semaine/0007). A statement
# trigger on insert (one pass over a bulk import's rows), a row trigger on the updates that
# change those words only: seat counters move on every registration and add no word.
FORWARD = """
CREATE FUNCTION events_event_inserted_words() RETURNS trigger AS $$
BEGIN
    PERFORM semaine_add_search_words(string_agg(title || ' ' || city, ' '))
    FROM (SELECT DISTINCT title, city FROM inserted) AS rows;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER events_event_inserted_words
    AFTER INSERT ON events_event REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION events_event_inserted_words();

CREATE FUNCTION events_event_updated_words() RETURNS trigger AS $$
BEGIN
    PERFORM semaine_add_search_words(NEW.title || ' ' || NEW.city);
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER events_event_updated_words
    AFTER UPDATE OF title, city ON events_event
    FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.city IS DISTINCT FROM NEW.city)
    EXECUTE FUNCTION events_event_updated_words();

CREATE FUNCTION events_organiser_words() RETURNS trigger AS $$
BEGIN
    PERFORM semaine_add_search_words(NEW.name);
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER events_organiser_words
    AFTER INSERT OR UPDATE OF name ON events_organiser
    FOR EACH ROW EXECUTE FUNCTION events_organiser_words();

SELECT semaine_add_search_words(string_agg(title || ' ' || city, ' '))
FROM (SELECT DISTINCT title, city FROM events_event) AS rows;
SELECT semaine_add_search_words(string_agg(name, ' ')) FROM events_organiser;
"""
BACKWARD = """
DROP TRIGGER IF EXISTS events_organiser_words ON events_organiser;
DROP FUNCTION IF EXISTS events_organiser_words();
DROP TRIGGER IF EXISTS events_event_updated_words ON events_event;
DROP FUNCTION IF EXISTS events_event_updated_words();
DROP TRIGGER IF EXISTS events_event_inserted_words ON events_event;
DROP FUNCTION IF EXISTS events_event_inserted_words();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0012_registrant_access"),
        ("semaine", "0008_search_vocabulary_data"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
