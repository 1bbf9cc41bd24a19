"""Small helpers the roster views share."""


from members.services import number_conflicts_report


def report_number_conflicts(form, *, cell, user) -> None:
    """Numbers the form refused as held outside the user's scope go to the committee above."""
    number_conflicts_report(cell=cell, conflicts=form.number_conflicts, user_id=user.pk)
