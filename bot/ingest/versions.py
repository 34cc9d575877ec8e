"""The versions of what shapes a stored index, folded into its format key.

Each version is computed from what the code *does* on fixed probe inputs, not
written by hand: changing how text is split into sentences, cut into passages or
how a fiche is rendered changes the key, and the next ingest rebuilds the index
instead of reporting "Nothing changed" over sentences and vectors that no
longer pair. A comment or a refactoring that changes no output changes nothing.
"""

from __future__ import annotations

from datetime import date

from bot.funding.schema import parse_fiche
from bot.index.format import behaviour_version, format_key
from bot.ingest import chunker, fiches
from bot.ingest.documents import PageText, SourceDocument
from bot.ingest.loaders import HEADING_PREFIX
from bot.retrieval.embeddings import MODEL_NAME

# Texts that exercise the sentence splitter: abbreviations, numbers, lists, quotes, English.
_SPLITTER_PROBES = (
    "Cités Unies France (CUF) fédère les collectivités. Elle compte 5 000 membres ! "
    "Voir p. 12 et M. Dupont, art. 3.2 du règlement ; cf. l'annexe… Fin.",
    "Le 1er janvier 2024, le fonds (FICOL) a versé 1,5 M€ à 12 projets. Pourquoi ? "
    "Parce que : a) la loi Thiollière ; b) l'appel à projets « Afrique ». Voilà.",
    "■ Premier point\n■ Second point. Suite du texte\n- tiret\n1. Numéro un. 2. Numéro deux.",
    "Who chairs the Japan group? Mr. Smith, since 2023. Contact: info@cites-unies-france.org.",
    "Tél. : +33 1 53 41 81 81. Site : www.cites-unies-france.org. Adresse : 9 rue Christiani",
    "Jeanne Martin, Chargée de mission +33 1 00 j.martin@exemple.org Paul Durand, Comptable",
)

_FICHE_PROBE = {
    "id": "probe",
    "name": "Fonds de sonde",
    "short_name": "Sonde",
    "tagline": "Un dispositif fictif pour versionner le rendu.",
    "aliases": ["Sonde"],
    "acronyms": ["FDS"],
    "category": "programme",
    "summary": "Un résumé.",
    "funder": "Un ministère",
    "legal_basis": ["Une loi."],
    "eligible": {
        "authorities": ["commune"],
        "summary": "Les communes.",
        "conditions": [{"text": "Une condition.", "confirmed": False}],
    },
    "what_it_funds": ["Des projets."],
    "amounts": [{"text": "50 %", "year": 2024}],
    "how_to_apply": ["Un dossier."],
    "calendar": [{"edition": "2024", "opens": "2024-01-15", "closes": "2024-03-01"}],
    "help_desk": [{"name": "Un guichet", "email": "guichet@example.org"}],
    "sources": [{"title": "Une page", "url": "https://example.org/"}],
    "last_verified": date(2024, 5, 2),
    "notes": ["Une note."],
}


def splitter_version() -> str:
    return behaviour_version(chunker.split_sentences(text) for text in _SPLITTER_PROBES)


def chunker_version() -> str:
    long_sentence = " ".join(f"mot{number}" for number in range(200)) + "."
    document = SourceDocument(
        path="notes/probe.md",
        title="Sonde",
        kind="note",
        pages=(
            PageText(1, f"{HEADING_PREFIX}Titre\n" + " ".join(_SPLITTER_PROBES * 3)),
            PageText(2, f"Suite sans titre. {long_sentence}\n{HEADING_PREFIX}Autre\nCourt."),
        ),
    )
    chunks = chunker.chunk_document(document)
    return behaviour_version(
        [chunk.to_json() | {"indexed": chunk.indexed_text} for chunk in chunks]
    )


def renderer_version() -> str:
    return behaviour_version([fiches.render_document(parse_fiche(_FICHE_PROBE, "probe.yaml"))])


def index_format_key(late_sentences: bool = False) -> str:
    """The key stored in the manifest; an index under another key is rebuilt (about 1 ms).

    ``late_sentences``: sentence vectors pooled from their passage rather than
    embedded alone (another model of sentences: the index is rebuilt).
    """
    components = {
        "splitter": splitter_version(),
        "chunker": chunker_version(),
        "model": MODEL_NAME,
        "renderer": renderer_version(),
    }
    if late_sentences:
        components["sentences"] = "late-v1"
    return format_key(components)
