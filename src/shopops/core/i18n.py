"""The interface language: Simplified Chinese by default, English when a person picks it.

Chinese is the source language: templates and Python mark the Chinese text itself
({% translate "我的时限" %}, gettext("…")) and src/shopops/locale/en holds the English.
Strings that already carry their English beside the Chinese ("密码已修改 (Password
changed.)") keep that bilingual form as the msgid, so the Chinese interface shows exactly
what it always did while the English one shows only the English.

User errors (core.errors.UserError) carry both languages themselves: `user_message(exc)`
picks the one to show.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation
from django.utils.translation import get_language

ENGLISH = "en"


def english_active() -> bool:
    """Whether the request being served (or the activated language) is English."""
    return (get_language() or "").lower().split("-")[0] == ENGLISH


def zh(text) -> str:
    """`text` (a lazily translated label) in the department's language, whatever language
    the acting person reads. For what is stored — event summaries, notifications, notes —
    which must not depend on who happened to act."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)


def user_message(exc) -> str:
    """What a person reads for a UserError: the English text under English, otherwise
    the Chinese with the English in brackets (str(exc), the default form)."""
    if english_active():
        return getattr(exc, "message_en", "") or getattr(exc, "message", "") or str(exc)
    return str(exc)


def chosen_language(request) -> str | None:
    """The language a person picked with the header switch (Django's language cookie),
    if it is one the site offers."""
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's LocaleMiddleware without the browser's Accept-Language: the interface is
    Chinese (settings.LANGUAGE_CODE) for everybody until they pick English with the
    switch, even on a computer set up in English."""

    def process_request(self, request):
        translation.activate(chosen_language(request) or settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()
