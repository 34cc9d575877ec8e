"""What the assistant says, in one catalog per language: :mod:`.fr` and :mod:`.en`.

Every text a member or the staff reads is looked up here by key with
:func:`message`. Member-facing keys exist in both languages (a test keeps the
keys and their placeholders the same); staff-facing ones exist only in French,
and any key missing in a language falls back to French.
"""

from __future__ import annotations

from bot.messages import en, fr

CUF_CONTACT = (
    "Cités Unies France, 9, rue Christiani, 75018 Paris, +33 (0)1 53 41 81 81, "
    "coop-dec@cites-unies-france.org"
)

_FRENCH = fr.TEXTS | fr.FRENCH_ONLY
CATALOGS: dict[str, dict[str, str]] = {"fr": _FRENCH, "en": en.TEXTS}
_MENUS: dict[str, tuple[tuple[str, str], ...]] = {"fr": fr.MENU, "en": en.MENU}
ADMIN_MENU: tuple[tuple[str, str], ...] = fr.ADMIN_MENU


def message(key: str, language: str = "fr", /, **values: object) -> str:
    """The text for ``key`` in ``language`` (French when missing), formatted with ``values``.

    ``{contact}`` is always CUF's contact details. An unknown key raises ``KeyError``.
    """
    text = CATALOGS.get(language, _FRENCH).get(key)
    if text is None:
        text = _FRENCH[key]
    return text.format(contact=CUF_CONTACT, **values)


def menu(language: str = "fr") -> tuple[tuple[str, str], ...]:
    """The Telegram command menu (command, description) for ``language`` (French by default)."""
    return _MENUS.get(language, fr.MENU)
