"""Helpers for Django admin actions shared by the apps."""

from django.contrib import admin
from django.template.response import TemplateResponse


def intermediate_action(modeladmin, request, queryset, *, form_class, intro, submit_label, apply):
    """An admin action with a page that asks for more (a reason, a consultant) first.

    `apply(form)` runs once the form is valid; until then the page is shown again with errors.
    """
    if "apply" in request.POST:
        form = form_class(request.POST)
        if form.is_valid():
            apply(form)
            return None
    else:
        form = form_class()
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": submit_label,
        "intro": intro,
        "submit_label": submit_label,
        "form": form,
        "queryset": queryset,
        "action": request.POST.get("action"),
        "opts": modeladmin.model._meta,
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/intermediate_action.html", context)
