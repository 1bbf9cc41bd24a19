"""The petition rules, in one place: the due date, open and overdue (with their SQL twins for
the grouped counts), the age, and who may act. Pages, exports, the API and the nudges ask here."""

import datetime as dt

from django.conf import settings
from django.db.models import Q

from cells.models import Organization
from members.access import Scope

RESOLVED = "resolved"
# What the holder's committee may do while the petition is not resolved.
ASSIGN, ANSWER, FORWARD, RESOLVE, REOPEN = "assign", "answer", "forward", "resolve", "reopen"
HOLDER_ACTIONS = (ASSIGN, ANSWER, FORWARD, RESOLVE)


def due_date(due_days: int, received_on: dt.date) -> dt.date:
    """The day the holder should have resolved it: the category's days from the day it reached them
    (raised, forwarded or reopened)."""
    return received_on + dt.timedelta(days=due_days)


def is_unresolved(petition) -> bool:
    return petition.status != RESOLVED


def unresolved_q() -> Q:
    """SQL twin of is_unresolved."""
    return ~Q(status=RESOLVED)


def is_overdue(petition, today: dt.date) -> bool:
    return is_unresolved(petition) and petition.due_on < today


def overdue_q(today: dt.date) -> Q:
    """SQL twin of is_overdue."""
    return unresolved_q() & Q(due_on__lt=today)


def age_days(petition, today: dt.date) -> int:
    """Days from raising to resolution, or to today while it is not resolved."""
    end = petition.resolved_on if not is_unresolved(petition) and petition.resolved_on else today
    return (end - petition.raised_on).days


def unresolved_days_limit() -> int:
    """N of "unresolved for more than N days" (setting HANDBOOK_PETITION_UNRESOLVED_DAYS)."""
    return settings.HANDBOOK_PETITION_UNRESOLVED_DAYS


def is_long_unresolved(petition, today: dt.date, days: int | None = None) -> bool:
    days = unresolved_days_limit() if days is None else days
    return is_unresolved(petition) and age_days(petition, today) > days


def long_unresolved_q(today: dt.date, days: int | None = None) -> Q:
    """SQL twin of is_long_unresolved: today - raised_on > days."""
    days = unresolved_days_limit() if days is None else days
    return unresolved_q() & Q(raised_on__lt=today - dt.timedelta(days=days))


# --- Who may act ------------------------------------------------------------------------------

def seat_organization_ids(scope: Scope) -> set[int]:
    return {org_id for org_id, _ in scope.oversight}


def speaks_for(scope: Scope, org: Organization) -> bool:
    """A cell's officers speak for the cell; a committee's seat holders for their organisation."""
    return org.pk in scope.managed_cell_ids or org.pk in seat_organization_ids(scope)


def may_raise_for(scope: Scope, org: Organization) -> bool:
    """Raised to the level above: an organisation with no parent has nobody to raise to."""
    return org.parent_id is not None and speaks_for(scope, org)


def may_act(scope: Scope, petition) -> bool:
    """The holder organisation's committee members act on what it holds (superusers too)."""
    return scope.is_superuser or petition.holder_id in seat_organization_ids(scope)


def holder_actions(scope: Scope, petition) -> list[str]:
    if not is_unresolved(petition) or not may_act(scope, petition):
        return []
    actions = [ASSIGN, ANSWER]
    if petition.holder.parent_id is not None:
        actions.append(FORWARD)
    return [*actions, RESOLVE]


def may_reopen(scope: Scope, petition) -> bool:
    """The sender's officers may reopen a resolved petition, once."""
    return (not is_unresolved(petition) and petition.reopened_on is None
            and (scope.is_superuser or speaks_for(scope, petition.sender)))
