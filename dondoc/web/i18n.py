"""Vietnamese first, English on request: `?lang=en` (remembered in a cookie).
Templates write the Vietnamese text, `_("...")` looks up its English."""
from __future__ import annotations

from collections.abc import Callable

from fastapi import Request

from dondoc.web.i18n_en import EN

LANGS = ("vi", "en")
LANG_COOKIE = "dondoc_lang"


def pick_lang(request: Request) -> tuple[str, bool]:
    """(language, chosen now): the query wins, then the cookie, then Vietnamese."""
    asked = request.query_params.get("lang")
    if asked in LANGS:
        return asked, True
    remembered = request.cookies.get(LANG_COOKIE)
    return (remembered if remembered in LANGS else "vi"), False


def translator(lang: str) -> Callable[[str], str]:
    if lang != "en":
        return lambda text: text
    return lambda text: EN.get(text, text)
