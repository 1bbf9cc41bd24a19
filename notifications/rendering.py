"""One helper renders every message: the template triplet, in the recipient's language."""

import re
from dataclasses import dataclass

from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import translation
from django.utils.html import escape

# Stands for the recipient's name while a message is rendered once for all its recipients
# (private-use characters: no filter or escaping changes them).
NAME_SLOT = "\ue000recipient\ue000"


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def _one_line(text: str) -> str:
    return " ".join(text.split())


def render_message(template: str, context: dict, *, language: str, html: bool = True,
                   short: bool = False) -> Rendered:
    """Render <template>-subject.txt, -body.txt and (for email) -body.html.

    The text templates turn autoescaping off themselves; the subject is folded to one line.
    The context says the channel: an email greets and signs, an inbox message does not.
    A short-text channel (SMS) gets <template>-sms.txt as its text, one line, or the subject
    when the kind has no such template.
    """
    with translation.override(language):
        subject = _one_line(render_to_string(f"{template}-subject.txt", context))
        if short:
            try:
                sms = get_template(f"{template}-sms.txt")
            except TemplateDoesNotExist:
                return Rendered(subject=subject, text=subject, html="")
            return Rendered(subject=subject, text=_one_line(sms.render(context)), html="")
        # Optional lines leave blank runs behind; one blank line between paragraphs is enough.
        text = re.sub(r"\n\s*\n(\s*\n)+", "\n\n", render_to_string(f"{template}-body.txt", context)).strip() + "\n"
        body_html = render_to_string(f"{template}-body.html", context) if html else ""
    return Rendered(subject=subject, text=text, html=body_html)


def personalise(rendered: Rendered, name: str) -> Rendered:
    """Put the recipient's name where the template printed `recipient_name`.

    The messages of one dispatch differ only by the name, so each is rendered once per
    language and channel (rendering is most of the cost of a reminder); a kind's templates
    may print `recipient_name` but must not test it.
    """
    return Rendered(
        subject=rendered.subject.replace(NAME_SLOT, name),
        text=rendered.text.replace(NAME_SLOT, name),
        html=rendered.html.replace(NAME_SLOT, escape(name)),
    )
