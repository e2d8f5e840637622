"""Display labels for vocabulary codes: {{ consultant.specialties|labels:"specialties" }}, and
languages by their own names: {{ consultant.languages.all|language_names|join:", " }}."""

from django import template

from directory.vocabularies import PUBLISHED, language_name

register = template.Library()


@register.filter
def labels(codes, vocabulary: str) -> list[str]:
    choices = dict(PUBLISHED[vocabulary].choices)
    return [str(choices.get(code, code)) for code in codes or []]


@register.filter
def label(code, vocabulary: str) -> str:
    return str(dict(PUBLISHED[vocabulary].choices).get(code, code))


@register.filter
def language_names(languages) -> list[str]:
    """Language records (or a queryset of them) as each language's own name, in that order."""
    names = [language_name(language.code, language.name) for language in languages or []]
    return sorted(names, key=str.casefold)
