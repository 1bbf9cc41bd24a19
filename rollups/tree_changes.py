"""After a change of the tree (cells.services.tree_changed), rebuild the roll-ups on commit.

A move or a merge changes which cell rows every ancestor sums, the old and the new, and a
closed cell owes no month after its closing: a rebuild of every year is the one statement
set that gets all of them right (a few seconds per year at province scale, in the worker).
"""

from django.db import transaction
from django.dispatch import receiver

from cells.services import tree_changed
from rollups.tasks import rollups_rebuild_after_tree_change


def _enqueue() -> None:
    rollups_rebuild_after_tree_change.delay()


@receiver(tree_changed, dispatch_uid="rollups.tree_changed")
def rebuild_on_commit(sender, organization_ids, **kwargs) -> None:
    # One rebuild per transaction, however many changes it holds (a rollback drops it).
    if any(item[1] is _enqueue for item in transaction.get_connection().run_on_commit):
        return
    transaction.on_commit(_enqueue, robust=True)
