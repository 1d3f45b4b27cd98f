from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION offers_offer_search_vector() RETURNS trigger AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('french_unaccent', coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('french_unaccent',
            coalesce(NEW.employer, '') || ' ' || coalesce(NEW.organisation, '')
            || ' ' || coalesce(NEW.city, '')), 'B')
        || setweight(to_tsvector('french_unaccent', coalesce(NEW.description, '')), 'C');
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER offers_offer_search_vector_update
    BEFORE INSERT OR UPDATE OF title, description, city, employer, organisation ON offers_offer
    FOR EACH ROW EXECUTE FUNCTION offers_offer_search_vector();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS offers_offer_search_vector_update ON offers_offer;
DROP FUNCTION IF EXISTS offers_offer_search_vector();
"""


class Migration(migrations.Migration):
    dependencies = [("offers", "0001_initial"), ("semaine", "0002_search_configuration")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
