from django.db import migrations

# The words of offers' titles, cities, employers and training organisations go into the words
# typos are corrected to (semaine/0007), as the events' do (events/0010).
WORDS = "title || ' ' || city || ' ' || employer || ' ' || organisation"
FORWARD = f"""
CREATE FUNCTION offers_offer_inserted_words() RETURNS trigger AS $$
BEGIN
    PERFORM semaine_add_search_words(string_agg(words, ' '))
    FROM (SELECT DISTINCT {WORDS} AS words FROM inserted) AS rows;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER offers_offer_inserted_words
    AFTER INSERT ON offers_offer REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION offers_offer_inserted_words();

CREATE FUNCTION offers_offer_updated_words() RETURNS trigger AS $$
BEGIN
    PERFORM semaine_add_search_words(
        NEW.title || ' ' || NEW.city || ' ' || NEW.employer || ' ' || NEW.organisation
    );
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER offers_offer_updated_words
    AFTER UPDATE OF title, city, employer, organisation ON offers_offer
    FOR EACH ROW EXECUTE FUNCTION offers_offer_updated_words();

SELECT semaine_add_search_words(string_agg(words, ' '))
FROM (SELECT DISTINCT {WORDS} AS words FROM offers_offer) AS rows;
"""
BACKWARD = """
DROP TRIGGER IF EXISTS offers_offer_updated_words ON offers_offer;
DROP FUNCTION IF EXISTS offers_offer_updated_words();
DROP TRIGGER IF EXISTS offers_offer_inserted_words ON offers_offer;
DROP FUNCTION IF EXISTS offers_offer_inserted_words();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("offers", "0007_offer_coordinates"),
        ("semaine", "0008_search_vocabulary_data"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
