"""The messages of Django REST framework that reach our clients, for translation.

DRF ships a Vietnamese catalog of about twenty entries. Naming the rest here puts them in
api/locale, so that makemessages keeps them and error bodies come out in Vietnamese. Nothing
imports this module: DRF looks the strings up itself, at the moment it raises.
"""

from django.utils.translation import gettext_noop as _

MESSAGES = (
    _("Authentication credentials were not provided."),
    _("Incorrect authentication credentials."),
    _("Could not satisfy the request Accept header."),
    _('Unsupported media type "{media_type}" in request.'),
    _("Malformed request."),
    _("This field is required."),
    _("This field may not be null."),
    _("Not a valid string."),
    _("Ensure this field has no more than {max_length} characters."),
    _("Ensure this field has at least {min_length} characters."),
    _('"{input}" is not a valid choice.'),
    _("Datetime has wrong format. Use one of these formats instead: {format}."),
    _("Expected a datetime but got a date."),
    _('Invalid datetime for the timezone "{timezone}".'),
    _("Datetime value out of range."),
    _("Must be a valid UUID."),
    _('Expected a list of items but got type "{input_type}".'),
    _("Ensure this field has at least {min_length} elements."),
    _("Ensure this field has no more than {max_length} elements."),
    _("Invalid data. Expected a dictionary, but got {datatype}."),
    _("No data provided"),
    _("Null characters are not allowed."),
    _("Surrogate characters are not allowed: U+{code_point:X}."),
)
