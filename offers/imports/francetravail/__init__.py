"""Import of job offers in France Travail's "Offres d'emploi v2" format.

`import_offers(stream, full=...)` (importer.py) reads a search response (`{"resultats": [...]}`)
or a plain list of offers from a binary stream, record by record (stream.py), so that a file of
hundreds of MB is never held in memory; each record becomes offer fields (records.py) and they
are written in batches (batches.py). Each record is created, updated, left unchanged or rejected
with a French reason (report.py); with `full=True` the file is the complete list of open offers
of the source, and the source's open offers it lacks are closed.

Used by `manage.py import_offers` and by the admin's upload form.
"""
