"""Pages of an engagement's practice: its plan, its scores, its follow-up (POST only; the
request's page shows them through templates/consultations/includes/_practice.html)."""

from django.contrib.auth.decorators import login_required
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from consultations import engagement, followup, measures
from consultations.outcome_models import FollowUp
from consultations.permissions import access_consultation
from consultations.practice_forms import FollowUpForm, PlanForm, ScoreForm
from iecmhc.pages import run_service


def practice_context(user, consultation) -> dict:
    """What the request's page shows of the engagement's practice, for the viewer."""
    see_scores = measures.can_see_scores(user, consultation)
    follow_up = FollowUp.objects.filter(request=consultation).first()
    instruments = measures.instruments_for(consultation)
    return {
        "dosage": engagement.dosage(consultation) if consultation.accepted_at else None,
        "can_plan": consultation.status == "active"
        and engagement.can_plan_engagement(user, consultation),
        "plan_form": PlanForm(
            initial={
                "goals": consultation.goals,
                "planned_weeks": consultation.planned_weeks,
                "planned_hours_per_week": consultation.planned_hours_per_week,
            }
        ),
        "score_changes": measures.score_changes(consultation) if see_scores else [],
        "can_score": consultation.status in ("active", "closed")
        and bool(instruments)
        and measures.can_record_score(user, consultation),
        "score_form": ScoreForm(instruments=instruments),
        "follow_up": follow_up,
        "can_answer_follow_up": follow_up is not None
        and follow_up.answered_at is None
        and (follow_up.asked_at is not None)
        and followup.can_answer_follow_up(user, consultation),
        "follow_up_form": FollowUpForm(),
    }


def _detail(consultation) -> str:
    return reverse("consultations:request_detail", args=[consultation.pk])


def _render(request, consultation, **forms):
    from consultations.views import _render_detail

    return _render_detail(request, consultation, **forms)


@login_required
@require_POST
def engagement_plan(request, pk):
    consultation = access_consultation(
        request.user,
        pk,
        may=engagement.can_plan_engagement,
        denied=_("Only the assigned consultant may plan the engagement."),
    )
    form = PlanForm(request.POST)
    return run_service(
        request,
        engagement.engagement_plan,
        form=form,
        consultation=consultation,
        success=_("The engagement's plan is saved."),
        done_url=_detail(consultation),
    ) or _render(request, consultation, plan_form=form)


@login_required
@require_POST
def score_new(request, pk):
    consultation = access_consultation(
        request.user,
        pk,
        may=measures.can_record_score,
        denied=_("Only the assigned consultant may record scores."),
    )
    form = ScoreForm(request.POST, instruments=measures.instruments_for(consultation))
    return run_service(
        request,
        measures.score_record,
        form=form,
        consultation=consultation,
        success=_("The score is recorded."),
        done_url=_detail(consultation),
    ) or _render(request, consultation, score_form=form)


@login_required
@require_POST
def follow_up_answer(request, pk):
    consultation = access_consultation(
        request.user,
        pk,
        may=followup.can_answer_follow_up,
        denied=_("Only the consultant or an Alliance admin may answer it."),
    )
    form = FollowUpForm(request.POST)
    return run_service(
        request,
        followup.follow_up_answer,
        form=form,
        consultation=consultation,
        success=_("The follow-up is recorded."),
        done_url=_detail(consultation),
    ) or _render(request, consultation, follow_up_form=form)
