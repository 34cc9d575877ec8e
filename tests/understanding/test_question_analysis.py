"""Question analysis: one pass gives what is asked, when, in which language, naming what."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.funding.catalog import FundingCatalog
from bot.text import stems
from bot.understanding.lexicon import Lexicon, load_lexicon
from bot.understanding.question import Analyzer, Question

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer(
        load_lexicon(),
        find_schemes=lambda text: ["un_pourcent_eau"] if "1 % eau" in text else [],
        find_groups=lambda text: ["mali"] if "mali" in text.lower() else [],
    )


def analyze(analyzer: Analyzer, text: str, previous: str | None = None) -> Question:
    return analyzer.analyze(text, previous)


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("Qui préside le groupe-pays Mali ?", "person"),
        ("ya qui a la tete du groupe mali", "person"),
        ("Who chairs the Japan country group?", "person"),
        # A relative « qui » asks for nobody.
        ("Quel réseau conseille les collectivités qui veulent utiliser le 1 % énergie ?", None),
        ("Combien de collectivités ont donné au fonds Liban ?", "number"),
        ("How much did the Turkey fund raise?", "number"),
        # A sum of money is a number of its own kind: a count of towns does not answer it.
        ("Quel est le montant du fonds Liban ?", "amount"),
        ("Combien coûte une mission DCOL ?", "amount"),
        ("What is the total budget of the programme?", "amount"),
        ("Le plafond de l'aide, en euros ?", "amount"),
        ("How many euros can a city get?", "amount"),
        ("Quel est le coût de l'adhésion ?", "amount"),
        ("What is the budget of the network?", "amount"),
        ("Quand ont eu lieu les RAICT 2023 ?", "date"),
        ("c'est quand la prochaine chronique", "date"),
        ("Où se sont déroulées les RAICT 2023 ?", "place"),
        # « ou » (or) is not « où » (where).
        ("Quelle est la base légale du 1 % eau pour une commune ou un syndicat ?", None),
        ("Quel est le numéro de téléphone de François Rebsamen ?", "contact"),
        ("c koi le ficol", "definition"),
        ("Quels sont les axes du projet stratégique ?", "list"),
        ("Peut-on cumuler le FICOL et un AAP du MEAE ?", "yesno"),
    ],
)
def test_what_is_asked(analyzer: Analyzer, text: str, asks: str | None) -> None:
    assert analyze(analyzer, text).asks == asks


@pytest.mark.parametrize(
    ("text", "tense"),
    [
        ("C'est quand la prochaine réunion du groupe Mali ?", "upcoming"),
        ("ya une reunion mali bientot?", "upcoming"),
        ("When is the next RAICT?", "upcoming"),
        ("Où se sont tenues les RAICT 2023 ?", "past"),
        ("Qui préside le groupe-pays Mali ?", None),
        # The passé composé, whatever the verb: an auxiliary, then a participle.
        ("Qu'est-ce qui a poussé le groupe Mali à publier une déclaration en octobre ?", "past"),
        ("Quels grands témoins ont participé à la conférence de juillet ?", "past"),
        ("En quelle année CUF a-t-elle retravaillé son projet stratégique ?", "past"),
        ("Y a-t-il une réunion prévue à Paris en décembre ?", "upcoming"),
    ],
)
def test_past_or_upcoming(analyzer: Analyzer, text: str, tense: str | None) -> None:
    assert analyze(analyzer, text).tense == tense


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Who chairs the Japan country group?", "en"),
        ("What is the FICOL?", "en"),
        ("Qui préside le groupe-pays Japon ?", "fr"),
        ("ya qui a la tete du groupe mali", "fr"),
        ("FICOL ?", "fr"),
        # « a » is a word of both languages: it decides nothing.
        ("Can a region use FICOL?", "en"),
        ("Can a water syndicate fund a project in Benin through the 1% law?", "en"),
        ("Qui a présidé le groupe Mali ?", "fr"),
    ],
)
def test_language(analyzer: Analyzer, text: str, language: str) -> None:
    assert analyze(analyzer, text).language == language


def test_english_i_is_not_a_name(analyzer: Analyzer) -> None:
    assert analyze(analyzer, "I am a municipality, which funding can I use?").names == ()


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("bonjour", "greeting"),
        ("Salut !", "greeting"),
        ("merci beaucoup 👍", "thanks"),
        ("thanks a lot", "thanks"),
        ("ok", "thanks"),
        ("t'es un robot ?", "about_bot"),
        ("What can you do?", "about_bot"),
        ("?", "empty"),
        ("👍", "empty"),
        ("你好吗", "empty"),
        ("bonjour, qui préside le groupe Mali ?", None),
        ("merci, et pour le Sénégal ?", None),
    ],
)
def test_small_talk(analyzer: Analyzer, text: str, kind: str | None) -> None:
    assert analyze(analyzer, text).smalltalk == kind


def test_names_years_schemes_and_groups(analyzer: Analyzer) -> None:
    question = analyze(analyzer, "What is Bruno Belin's role in the Mali group in 2023?")

    assert question.names == ("Bruno Belin", "Mali")
    assert question.years == (2023,)
    assert analyze(analyzer, "Où auront lieu les 8es Rencontres ?").editions == (8,)
    assert analyze(analyzer, "RAICT 2023, le 1er jour ?").editions == ()
    assert question.groups == ("mali",)
    assert analyze(analyzer, "Qui peut utiliser le 1 % eau ?").schemes == ("un_pourcent_eau",)
    # A number that counts something is no year.
    assert analyze(analyzer, "Une commune de 2000 habitants peut-elle ?").years == ()
    assert analyze(analyzer, "1500 euros en 2024 ?").years == (2024,)
    assert analyze(analyzer, "Who leads CUF's Gender dynamic?").names == ("CUF", "Gender")
    # A country written in lower case is a name too, once (« Mali » is not said twice).
    assert analyze(analyzer, "c qui le président du groupe cameroun").names == ("Cameroun",)
    assert analyze(analyzer, "Le groupe Mali et le groupe mali").names == ("Mali",)


def test_the_words_that_carry_meaning_as_written(analyzer: Analyzer) -> None:
    question = analyze(analyzer, "How many members sit on the CNCD's board in 2024?")

    assert question.words == ("members", "sit", "board")  # no question word, name, year


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Qui préside le groupe-pays Brésil ?", True),
        ("Who chairs the Japan country group?", True),
        ("qui preside le groupe colombie a cuf ?", True),
        ("Who chairs the Colombia group?", True),
        ("Qui préside le groupe de travail Colombie ?", False),
        ("Quels sont les groupes-pays du pôle Afrique ?", False),
        ("Qui préside la dynamique Genre ?", False),
    ],
)
def test_one_country_group_asked_about(analyzer: Analyzer, text: str, expected: bool) -> None:
    assert analyze(analyzer, text).names_country_group is expected


def test_only_question_words_after_a_question_is_a_follow_up_not_small_talk(
    analyzer: Analyzer,
) -> None:
    previous = "C'est quand la prochaine réunion du groupe-pays Madagascar ?"
    question = analyze(analyzer, "c'est où ?", previous)

    assert question.smalltalk is None
    assert question.follow_up and question.text.startswith(previous)
    assert analyze(analyzer, "c'est où ?").smalltalk == "empty"  # with nothing before it


def test_a_follow_up_is_resolved_once(analyzer: Analyzer) -> None:
    question = analyze(
        analyzer, "Et celui du Sénégal ?", previous="Qui préside le groupe-pays Mali ?"
    )

    assert question.follow_up is True
    assert question.asked == "Et celui du Sénégal ?"
    assert question.text == "Qui préside le groupe-pays Sénégal ?"
    assert question.asks == "person"  # what the rewritten question asks


def test_the_lexicon_refuses_unknown_keys_and_answer_types() -> None:
    data = load_lexicon().model_dump()
    with pytest.raises(ValueError, match="extra"):
        Lexicon.model_validate({**data, "surprise": []})
    with pytest.raises(ValueError, match="unknown answer types"):
        Lexicon.model_validate({**data, "asks": {**data["asks"], "colour": ["quelle couleur"]}})


@pytest.mark.parametrize(
    ("follow_up", "standalone"),
    [
        ("et pour les déchets ?", "Vers qui se tourner pour être conseillé sur le 1 % déchets ?"),
        ("et l'énergie ?", "Vers qui se tourner pour être conseillé sur le 1 % énergie ?"),
        # A word that names no other scheme in place of one of the question's: joined as usual.
        (
            "et pour le Sénégal ?",
            "Vers qui se tourner pour être conseillé sur le 1 % eau ? et pour le Sénégal ?",
        ),
    ],
)
def test_a_follow_up_naming_another_scheme_of_the_family_asks_the_same_of_it(
    follow_up: str, standalone: str
) -> None:
    assert _with_schemes().analyze(follow_up, WATER_HELP).text == standalone


@pytest.mark.parametrize(
    "question",
    [
        "1% dechets on se fait accompagner par qui en general ?",
        "le 1 % déchets, il finance quoi ?",
    ],
)
def test_a_question_naming_another_scheme_without_opening_like_a_follow_up_stands_alone(
    question: str,
) -> None:
    analyzer = _with_schemes()
    assert analyzer.analyze(question, WATER_HELP).text == question
    # The same scheme again is still read with the question before it.
    again = "qui en bénéficie pour le 1 % eau ?"
    assert analyzer.analyze(again, WATER_HELP).text != again


WATER_HELP = "Vers qui se tourner pour être conseillé sur le 1 % eau ?"


def _with_schemes() -> Analyzer:
    """The analysis with the shipped fiches' scheme names."""
    catalog = FundingCatalog.load(REPO / "knowledge" / "funding")
    return Analyzer(
        load_lexicon(), find_schemes=lambda text: [fiche.id for fiche in catalog.find(text)]
    )


def test_a_misspelt_country_is_searched_as_written_in_the_documents(analyzer: Analyzer) -> None:
    question = analyze(analyzer, "c qui le président du groupe madagscar ?")

    assert question.asked == "c qui le président du groupe madagscar ?"  # as typed
    assert question.text == "c qui le président du groupe Madagascar ?"
    assert question.names == ("Madagascar",)
    assert question.names_country_group
    assert not question.follow_up


def test_a_word_the_documents_use_is_no_misspelt_country() -> None:
    corpus = set(stems("les vidéos de la chaîne YouTube de Cités Unies France"))
    analyzer = Analyzer(load_lexicon(), corpus_stems=lambda: corpus)

    question = analyzer.analyze("Combien de vidéos sur la chaîne YouTube de CUF ?")

    assert question.text == "Combien de vidéos sur la chaîne YouTube de CUF ?"  # not « Chine »
    assert question.names == ("YouTube", "CUF")
