"""Django's database sessions, read with one plain statement.

A session is read on every signed-in request; the ORM spent several times longer building its
`SELECT ... WHERE session_key = %s AND expire_date > now` than PostgreSQL spends answering it.
Everything else (saving, rotating, ending sessions, `clearsessions`) is Django's own.
"""

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        model, key = self.model, self.session_key  # the base class keeps only well-formed keys
        with connections[router.db_for_read(model)].cursor() as cursor:
            cursor.execute(
                f"SELECT session_data, expire_date FROM {model._meta.db_table} WHERE session_key = %s AND expire_date > %s",
                [key, timezone.now()],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return model(session_key=key, session_data=row[0], expire_date=row[1])
