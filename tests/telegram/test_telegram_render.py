"""Escaping, the sources footer and splitting below Telegram's limit."""

from __future__ import annotations

import re
from datetime import date

from bot.answers import Answer, Source
from bot.telegram.render import (
    escape,
    render_answer,
    render_sources,
    split_message,
    telegram_length,
    to_plain,
)

SOURCES = (
    Source(
        "Rapport d'activités 2023", "cuf-rapport-activites-2023.pdf", 12, "Le groupe Mali <réuni>"
    ),
    Source(
        "Projet stratégique",
        "cuf-projet-strategique-2023-2027.pdf",
        None,
        "",
        "https://cuf.fr/a?b=1&c=2",
    ),
)


def _balanced(html: str) -> bool:
    stack = []
    for closing, name in re.findall(r"<(/?)([a-z]+)[^>]*>", html):
        if closing:
            if not stack or stack.pop() != name:
                return False
        else:
            stack.append(name)
    return not stack


def test_escape_makes_user_and_document_text_inert() -> None:
    assert escape("<b>A & B</b>") == "&lt;b&gt;A &amp; B&lt;/b&gt;"
    assert to_plain("<i>A &amp; B</i>") == "A & B"


def test_answer_has_a_compact_escaped_sources_footer() -> None:
    answer = Answer("Oui <bien sûr> [1].", True, SOURCES)
    assert render_answer(answer) == (
        "Oui &lt;bien sûr&gt; [1].\n\n"
        "<i>Sources : [1] Rapport d'activités 2023, p. 12 · [2] Projet stratégique</i>"
    )
    assert render_answer(Answer("Non.", False)) == "Non."


def test_sources_view_shows_document_page_excerpt_and_link_never_a_path() -> None:
    assert render_sources(SOURCES) == (
        "<b>[1] Rapport d'activités 2023</b>\n"
        "p. 12\n"
        "<i>« Le groupe Mali &lt;réuni&gt; »</i>\n\n"
        "<b>[2] Projet stratégique</b>\n"
        '<a href="https://cuf.fr/a?b=1&amp;c=2">https://cuf.fr/a?b=1&amp;c=2</a>'
    )


def test_fiches_and_notes_show_their_kind_and_date_instead_of_a_path() -> None:
    fiche = Source("Appel à projets généraliste", "funding/meae_aap_generaliste.yaml")
    note = Source("Compte rendu du groupe Bénin", "notes/2027-02-04-benin.md", excerpt="Porto")
    html = render_sources((fiche, note), dates={fiche.file: date(2026, 11, 22)})
    assert html == (
        "<b>[1] Appel à projets généraliste</b>\n"
        "fiche de financement · vérifiée le 22 novembre 2026\n\n"
        "<b>[2] Compte rendu du groupe Bénin</b>\n"
        "compte rendu · 4 février 2027\n"
        "<i>« Porto »</i>"
    )
    english = render_sources((fiche,), "en", dates={fiche.file: date(2026, 11, 22)})
    assert "funding fiche · checked on 22 November 2026" in english
    assert ".yaml" not in html + english and "notes/" not in html


def test_a_text_listing_its_own_sources_gets_one_sources_heading() -> None:
    fiche = Source("Appel à projets généraliste", "funding/meae_aap_generaliste.yaml")
    text = "Le MEAE cofinance.\nSources : https://example.org/aap\nVérifié le 22 novembre 2026."
    html = render_answer(Answer(text, True, (fiche,), kind="funding"))
    assert html.count("Sources") == 1
    assert html == (
        "Le MEAE cofinance.\nVérifié le 22 novembre 2026.\n\n"
        "<i>Sources : [1] Appel à projets généraliste · https://example.org/aap</i>"
    )


def test_short_text_is_one_part() -> None:
    assert split_message("Bonjour") == ["Bonjour"]


def test_long_text_splits_on_paragraph_boundaries_below_the_limit() -> None:
    paragraphs = [f"Paragraphe {n} : " + "mot " * 150 for n in range(20)]
    text = "\n\n".join(p.strip() for p in paragraphs)
    parts = split_message(text)
    assert len(parts) > 1
    assert all(telegram_length(part) <= 4000 for part in parts)
    assert "\n\n".join(parts) == text
    assert all(part.startswith("Paragraphe") for part in parts)


def test_one_huge_paragraph_with_tags_and_entities_stays_valid() -> None:
    text = "<i>" + "&amp; éléphant 🐘 " * 900 + "</i>\n\n<b>fin</b>"
    parts = split_message(text, limit=1000)
    assert len(parts) > 4
    assert all(telegram_length(part) <= 1000 for part in parts)
    assert all(_balanced(part) for part in parts)
    assert all(not re.search(r"&[a-z]*$|^[a-z]*;", to_plain(part)) for part in parts)

    def squeeze(value: str) -> str:
        return re.sub(r"\s", "", value)

    assert squeeze("".join(to_plain(part) for part in parts)) == squeeze(to_plain(text))


def test_a_word_longer_than_the_limit_is_cut() -> None:
    parts = split_message("x" * 2500, limit=1000)
    assert [len(part) for part in parts] == [1000, 1000, 500]
