"""Languages: Accept-Language and the switcher give Spanish or Hmong pages, a signed-in user's
choice is kept (accounts.i18n), and the catalogues are complete and compiled.

The page walks read the catalogue itself: every English string that has a translation is a
pattern, and a page in Spanish (or Hmong) that still shows one of them fails, naming it."""

import functools
import html
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.i18n import language_for
from directory.models import Consultant
from tests.factories import PASSWORD, ConsultantFactory, UserFactory, language

LOCALE = Path(settings.BASE_DIR) / "locale"
pytestmark = pytest.mark.django_db


def catalogue(lang: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"))


def _literal(part: str) -> str:
    """A piece of a msgid between placeholders, as a pattern: the spaces around it must be
    there ("%(used)s of %(max)s" is not found inside "profesional")."""
    core = re.escape(" ".join(part.split()))
    if not core:
        return r"\s*"
    lead = r"\s+" if part[:1].isspace() else ""
    trail = r"\s+" if part[-1:].isspace() else ""
    return lead + core + trail


@functools.cache
def english_patterns(lang: str) -> tuple[tuple[str, re.Pattern], ...]:
    """(msgid, pattern) for every string `lang` translates differently from English. Tags
    and placeholders become wildcards; strings of one or two words must fill a whole text
    node, longer ones may appear anywhere in the page's text. Read and compiled once per
    test process (parsing the catalogue and compiling a thousand patterns took a third of a
    second, for every page checked)."""
    patterns = []
    for entry in catalogue(lang).translated_entries():
        translations = [entry.msgstr] if not entry.msgid_plural else entry.msgstr_plural.values()
        for english in filter(None, [entry.msgid, entry.msgid_plural]):
            if english in translations:
                continue  # the same in both languages ("API", "Email", "Head Start")
            text = re.sub(r"<[^>]+>", " ", english)
            parts = re.split(r"%\(\w+\)[sd]|\{\w+\}", text)
            body = ".+?".join(_literal(p) for p in parts)
            body = body.replace(r"\ ", r"\s+")
            if len(text.split()) <= 2:
                patterns.append((english, re.compile(rf"^\s*{body}\s*$", re.MULTILINE)))
            else:
                patterns.append((english, re.compile(body)))
    return tuple(patterns)


def visible_text(page: str) -> str:
    """The page's text, one text node a line, plus the labels a screen reader reads."""
    page = re.sub(r"(?s)<(script|style)\b.*?</\1>", "", page)
    labels = re.findall(r'(?:aria-label|title|placeholder)="([^"]*)"', page)
    nodes = [" ".join(node.split()) for node in re.split(r"<[^>]+>", page)]
    return html.unescape("\n".join([*filter(None, nodes), *labels]))


def english_left(page: str, lang: str) -> list[str]:
    text = visible_text(page)
    return [english for english, pattern in english_patterns(lang) if pattern.search(text)]


@pytest.fixture
def listing():
    return ConsultantFactory(
        display_name="Lucía Hernández",
        bio="Consultora bilingüe.",
        languages=[language("es", "Spanish"), language("hmn", "Hmong"), language("so", "Somali")],
        modalities=["on_site", "virtual"],
    )


def program_pages(listing) -> list[str]:
    user = UserFactory(username="rosa_reset")
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return [
        "/",
        "/directory/",
        "/directory/?language=es&modality=on_site",
        "/directory/?near_zip=00000",
        f"/directory/{listing.pk}/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password-reset/",
        "/accounts/password-reset/sent/",
        f"/accounts/reset/{uid}/{token}/",
        "/accounts/reset/bad/link-expired/",
    ]


def test_the_detector_finds_english_in_a_page():
    """The walk below can fail: the English home page is full of strings Spanish translates."""
    client = Client()
    found = english_left(client.get("/").content.decode(), "es")
    assert "Support for the adults who care for our youngest children" in found
    assert "Find a consultant" in found


def test_accept_language_es_gives_spanish_pages_throughout(listing):
    client = Client(headers={"accept-language": "es"})
    for path in program_pages(listing):
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        page = response.content.decode()
        assert '<html lang="es">' in page, path
        assert response.headers["Content-Language"] == "es"
        assert english_left(page, "es") == [], path


def test_spanish_pages_say_it_in_spanish(listing):
    client = Client(headers={"accept-language": "es-MX,es;q=0.9,en;q=0.5"})
    home = client.get("/").content.decode()
    assert "Nunca escriba el nombre de un niño." in home
    directory = client.get("/directory/").content.decode()
    assert "Busque un consultor de salud mental para bebés y niños pequeños" in directory
    profile = client.get(f"/directory/{listing.pk}/").content.decode()
    assert "Español, Hmoob, Soomaali" in profile  # each language in its own name
    assert "En persona, En línea" in profile  # vocabulary labels
    signup = client.get("/accounts/signup/").content.decode()
    assert "Personal de un programa de cuidado infantil" in signup


def test_hmong_home_and_directory(listing):
    client = Client(headers={"accept-language": "hmn"})
    for path in ("/", "/directory/", f"/directory/{listing.pk}/"):
        page = client.get(path).content.decode()
        assert '<html lang="hmn">' in page, path
        assert english_left(page, "hmn") == [], path
    page = client.get("/").content.decode()
    assert "Nrhiav ib tug kws pab tswv yim" in page
    assert "Hmoob" in page  # the switcher names Hmong in Hmong


def test_the_switcher_is_on_every_page_and_keeps_the_page():
    page = Client().get("/directory/?language=es").content.decode()
    assert 'action="/i18n/setlang/"' in page
    assert '<input type="hidden" name="next" value="/directory/?language=es">' in page
    assert '<label for="language-switcher">' in page
    for code, name in (("en", "English"), ("es", "Español"), ("hmn", "Hmoob")):
        assert f'<option value="{code}" lang="{code}"' in page and f">{name}</option>" in page


def test_the_switcher_names_each_language_in_itself_on_any_page():
    for accept in ("es", "hmn"):
        page = Client(headers={"accept-language": accept}).get("/").content.decode()
        for name in ("English", "Español", "Hmoob"):
            assert f">{name}</option>" in page, (accept, name)
        assert ">Inglés</option>" not in page


def test_the_switcher_sets_the_language_for_a_visitor():
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/directory/"})
    assert response.status_code == 302 and response["Location"] == "/directory/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    page = client.get("/directory/").content.decode()
    assert '<html lang="es">' in page and "Buscar un consultor" in page
    client.post("/i18n/setlang/", {"language": "hmn", "next": "/"})
    assert '<html lang="hmn">' in client.get("/").content.decode()


def test_the_switcher_refuses_what_it_cannot_do():
    client = Client()
    assert client.get("/i18n/setlang/?language=es").status_code == 405
    response = client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in client.cookies
    # An outside address for `next` goes home instead.
    response = client.post("/i18n/setlang/", {"language": "es", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_a_signed_in_users_choice_is_kept_and_follows_them():
    user = UserFactory(username="maria", role="program")
    client = Client()
    client.force_login(user)
    client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    user.refresh_from_db()
    assert user.preferred_language == "es"
    assert language_for(user) == "es"
    # Another device, a browser asking for English: signing in brings their Spanish back.
    other = Client(headers={"accept-language": "en"})
    response = other.post(
        "/accounts/login/", {"username": "maria", "password": PASSWORD}, follow=True
    )
    assert '<html lang="es">' in response.content.decode()
    # A language the site lacks changes nothing.
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    user.refresh_from_db()
    assert user.preferred_language == "es"


def test_sign_up_keeps_the_language_of_the_page():
    client = Client(headers={"accept-language": "es"})
    response = client.post(
        "/accounts/signup/",
        {
            "role": "program",
            "username": "lupita",
            "email": "lupita@example.org",
            "password": PASSWORD,
        },
        follow=True,
    )
    assert response.status_code == 200
    from accounts.models import User

    assert User.objects.get(username="lupita").preferred_language == "es"
    # Sent on to sign in (never signed in at once: see accounts.views.signup), in Spanish.
    assert response.redirect_chain[-1][0] == "/accounts/login/"
    assert "Su cuenta está lista. Inicie sesión con su usuario y contraseña." in (
        response.content.decode()
    )


def test_language_for():
    assert language_for(None) == "en"
    assert language_for(UserFactory.build(preferred_language="")) == "en"
    assert language_for(UserFactory.build(preferred_language="hmn")) == "hmn"
    assert language_for(UserFactory.build(preferred_language="es-mx")) == "es"
    assert language_for(UserFactory.build(preferred_language="klingon")) == "en"


def test_vocabulary_labels_are_strings_in_the_callers_language():
    client = Client(headers={"accept-language": "es"})
    data = client.get("/api/v1/vocabularies/").json()
    modalities = {item["code"]: item["label"] for item in data["modalities"]}
    assert modalities == {"on_site": "En persona", "virtual": "En línea"}
    english = Client().get("/api/v1/vocabularies/").json()
    assert {i["code"]: i["label"] for i in english["modalities"]}["on_site"] == "On site"


def test_dates_in_one_localized_format():
    user = UserFactory(username="dora", role="consultant")
    listing = ConsultantFactory(user=user, listing_status=Consultant.ListingStatus.PENDING)
    Consultant.objects.filter(pk=listing.pk).update(
        submitted_at=timezone.make_aware(timezone.datetime(2026, 3, 4, 10, 0))
    )
    client = Client()
    client.force_login(user)
    for lang, expected in (
        ("en", "March 4, 2026"),
        ("es", "4 de marzo de 2026"),
        ("hmn", "Hnub tim 4 lub 3 hlis ntuj xyoo 2026"),
    ):
        client.post("/i18n/setlang/", {"language": lang, "next": "/"})
        assert expected in client.get("/listing/").content.decode(), lang


def test_the_catalogues_are_complete_and_compiled():
    """What bin/check_translations checks without gettext: Spanish complete, nothing fuzzy,
    and the committed .mo files say what the .po files say."""
    for lang in ("es", "hmn"):
        po = catalogue(lang)
        assert not po.fuzzy_entries(), lang
        if lang == "es":
            assert not po.untranslated_entries()
        mo = polib.mofile(str(LOCALE / lang / "LC_MESSAGES" / "django.mo"))
        compiled = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in mo if e.msgid}
        expected = {
            (e.msgctxt, e.msgid): e.msgstr or {int(k): v for k, v in e.msgstr_plural.items()}
            for e in po.translated_entries()
        }
        compiled = {
            k: {int(i): s for i, s in v.items()} if isinstance(v, dict) else v
            for k, v in compiled.items()
        }
        assert compiled == expected, f"{lang}: run `make compilemessages`"
    with translation.override("hmn"):
        assert translation.gettext("Find a consultant") == "Nrhiav ib tug kws pab tswv yim"
