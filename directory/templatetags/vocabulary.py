"""Display labels for vocabulary codes: {{ consultant.specialties|labels:"specialties" }}."""

from django import template

from directory.vocabularies import PUBLISHED

register = template.Library()


@register.filter
def labels(codes, vocabulary: str) -> list[str]:
    choices = dict(PUBLISHED[vocabulary].choices)
    return [str(choices.get(code, code)) for code in codes or []]


@register.filter
def label(code, vocabulary: str) -> str:
    return str(dict(PUBLISHED[vocabulary].choices).get(code, code))
