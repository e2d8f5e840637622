"""Pages of the front door and the first-contact clock: the public request form and its
confirmation, the follow page, the Alliance's phone intake and brief-team routing, and the
consultant's one-tap call."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from consultations import first_contact, intake, waitlist
from consultations.intake_forms import PhoneIntakeForm, PublicRequestForm
from consultations.permissions import access_consultation, is_assigned_consultant
from iecmhc.pages import alliance_required, run_service
from iecmhc.throttling import IntakeThrottle, page_throttled


@require_http_methods(["GET", "POST"])
def ask(request):
    """Ask for a consultant, without an account. Whatever is sent, a valid form gets the same
    answer (check your email): it tells nothing of the programs or people the service knows."""
    form = PublicRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if limited := page_throttled(request, IntakeThrottle):
            return limited
        data = dict(form.cleaned_data)
        if not data.pop("website"):  # the honeypot: a robot gets the same answer, and nothing
            try:
                intake.intake_submit(data=data)
            except ValidationError as exc:
                from iecmhc.pages import add_service_errors

                add_service_errors(form, exc)
                return render(request, "consultations/intake/ask.html", {"form": form})
        return redirect("intake:sent")
    return render(request, "consultations/intake/ask.html", {"form": form})


@require_GET
def sent(request):
    return render(request, "consultations/intake/sent.html")


@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """The emailed link: a button that confirms (a mail scanner's GET confirms nothing)."""
    submission = intake.pending_submission(token)
    if submission is None:
        return render(request, "consultations/intake/invalid.html", status=404)
    if request.method == "POST" or submission.request_id is not None:
        try:
            consultation = intake.intake_confirm(token=token)
        except ValidationError as exc:  # e.g. a ZIP code in no county the service knows
            return render(
                request,
                "consultations/intake/invalid.html",
                {"errors": exc.messages},
                status=400,
            )
        return render(
            request,
            "consultations/intake/confirmed.html",
            {"consultation": consultation, "follow_token": intake.follow_token(consultation)},
        )
    return render(request, "consultations/intake/confirm.html", {"submission": submission})


@require_GET
def follow(request, token):
    """Where a request stands, for whoever holds its follow link (its contact person)."""
    consultation = intake.followed_request(token)
    if consultation is None:
        raise Http404("No such link.")
    return render(
        request,
        "consultations/intake/follow.html",
        {
            "consultation": consultation,
            "waiting_for": waitlist.waiting_for(consultation),
            "claim_url": intake.claim_url(consultation.created_by),
        },
    )


@require_http_methods(["GET", "POST"])
@alliance_required
def phone_intake(request):
    """An Alliance admin enters a request for a program (after a call or a referral)."""
    form = PhoneIntakeForm(request.POST or None)
    if request.method == "POST":
        done = run_service(
            request,
            intake.request_enter,
            form=form,
            success=lambda created: (
                _("Request #%(pk)s is entered; the contact person has a copy.") % {"pk": created.pk}
            ),
            done_url=lambda created: reverse("alliance:request", args=[created.pk]),
        )
        if done:
            return done
    return render(request, "consultations/intake/phone.html", {"form": form})


@require_POST
@alliance_required
def route_brief(request, pk):
    """One step: a waitlisted request goes to the best-fitting brief-team consultant."""
    consultation = access_consultation(request.user, pk)
    return run_service(
        request,
        waitlist.request_route_to_brief_team,
        consultation=consultation,
        success=_("Request #%(pk)s was offered to the brief team.") % {"pk": consultation.pk},
        done_url=reverse("alliance:request", args=[consultation.pk]),
        failed_prefix=_("Not routed: "),
    )


@login_required
@require_POST
def log_call(request, pk):
    """One tap: I called the program (the first-contact clock stops at the first call)."""
    consultation = access_consultation(
        request.user,
        pk,
        may=is_assigned_consultant,
        denied=_("Only the consultant it is offered or assigned to logs a call."),
    )
    back = request.POST.get("next")
    if back not in (reverse("consultations:offers"), reverse("consultations:caseload")):
        back = reverse("consultations:request_detail", args=[consultation.pk])
    return run_service(
        request,
        first_contact.request_log_call,
        consultation=consultation,
        success=_("Call logged for request #%(pk)s.") % {"pk": consultation.pk},
        done_url=back,
    )
