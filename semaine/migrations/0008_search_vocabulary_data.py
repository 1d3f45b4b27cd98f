from django.db import migrations

# - The "vocabulary" data version (semaine/0004), bumped when a transaction that writes the
#   search vocabulary commits: what a query means is cached under it (semaine.search).
# - semaine_add_search_words(text): adds the words of a text to the words typos are corrected
#   to (semaine_searchword), keeping the accented spelling of a word when there is one. The
#   apps' triggers call it for the titles, places and organisations of events and offers.
# - The vocabulary's own words go in through a trigger of the same kind.
FORWARD = """
INSERT INTO semaine_data_version (name) VALUES ('vocabulary') ON CONFLICT (name) DO NOTHING;
CREATE CONSTRAINT TRIGGER semaine_searchterm_version
    AFTER INSERT OR DELETE OR UPDATE ON semaine_searchterm
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    EXECUTE FUNCTION semaine_bump_data_version('vocabulary');
CREATE CONSTRAINT TRIGGER semaine_searchterm_trades_version
    AFTER INSERT OR DELETE OR UPDATE ON semaine_searchterm_trades
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    EXECUTE FUNCTION semaine_bump_data_version('vocabulary');
CREATE TRIGGER semaine_searchterm_version_truncate
    AFTER TRUNCATE ON semaine_searchterm
    FOR EACH STATEMENT EXECUTE FUNCTION semaine_bump_data_version('vocabulary');

CREATE FUNCTION semaine_add_search_words(content text) RETURNS void AS $$
    INSERT INTO semaine_searchword (word, display)
    SELECT DISTINCT ON (unaccent(w)) unaccent(w), w
    FROM regexp_split_to_table(lower(coalesce(content, '')), '[^[:alnum:]]+') AS w
    WHERE char_length(w) BETWEEN 3 AND 100 AND w !~ '^[0-9]+$'
    -- "infirmière" rather than "infirmiere" when a text has both
    ORDER BY unaccent(w), w = unaccent(w)
    ON CONFLICT (word) DO NOTHING;
$$ LANGUAGE sql;

CREATE FUNCTION semaine_searchterm_words() RETURNS trigger AS $$
BEGIN
    PERFORM semaine_add_search_words(NEW.phrase || ' ' || array_to_string(NEW.expansions, ' '));
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER semaine_searchterm_words
    AFTER INSERT OR UPDATE OF phrase, expansions ON semaine_searchterm
    FOR EACH ROW EXECUTE FUNCTION semaine_searchterm_words();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS semaine_searchterm_words ON semaine_searchterm;
DROP FUNCTION IF EXISTS semaine_searchterm_words();
DROP FUNCTION IF EXISTS semaine_add_search_words(text);
DROP TRIGGER IF EXISTS semaine_searchterm_version ON semaine_searchterm;
DROP TRIGGER IF EXISTS semaine_searchterm_trades_version ON semaine_searchterm_trades;
DROP TRIGGER IF EXISTS semaine_searchterm_version_truncate ON semaine_searchterm;
DELETE FROM semaine_data_version WHERE name = 'vocabulary';
"""


def load(apps, schema_editor):
    from semaine.search.vocabulary import sync_vocabulary

    sync_vocabulary(apps)


class Migration(migrations.Migration):
    dependencies = [("semaine", "0007_search_vocabulary")]

    operations = [
        migrations.RunSQL(FORWARD, BACKWARD),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
