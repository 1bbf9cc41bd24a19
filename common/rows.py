"""Model instances from the columns of a plain SQL statement.

Some reads run on every request (a session, a scope, a calendar feed polled by phones), where
Django spent longer building the query than PostgreSQL spent answering it; they are written as
plain statements. Their rows become model instances here the way the ORM's `.only()` makes them:
the fields read are loaded, every other field is deferred (read from the database if asked for),
so nothing downstream ever sees a made-up default.
"""


def model_row(model, db: str, **values):
    """An instance of `model` with the fields `values` (by attname, the primary key among them) loaded."""
    fields = [field for field in model._meta.concrete_fields if field.attname in values]
    if len(fields) != len(values):
        raise ValueError(f"not fields of {model.__name__}: {sorted(set(values) - {f.attname for f in fields})}")
    return model.from_db(db, [field.attname for field in fields], [values[field.attname] for field in fields])
