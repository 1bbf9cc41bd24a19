"""The probe kind: sent to the members named in its params; when the params say "broken",
its body includes a template that does not exist (a real template error)."""

from pathlib import Path

from members.models import Member
from notifications import kinds

PROBE = "probe"
TEMPLATES = Path(__file__).resolve().parent / "templates"


def register() -> None:
    kinds.register(
        PROBE, template="probe/probe",
        recipients=lambda params: Member.objects.filter(pk__in=params["member_ids"]),
        context=lambda params: {"link": "", "broken": params.get("broken", False)},
    )
