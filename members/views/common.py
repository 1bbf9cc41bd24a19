"""Small helpers the roster views share."""

from django.core.exceptions import ValidationError

from members.services import number_conflicts_report


def apply_errors(form, error: ValidationError) -> None:
    """Show a service's refusal on the form: on the field it names, else at the top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def report_number_conflicts(form, *, cell, user) -> None:
    """Numbers the form refused as held outside the user's scope go to the committee above."""
    number_conflicts_report(cell=cell, conflicts=form.number_conflicts, user_id=user.pk)
