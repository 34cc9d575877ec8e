"""Follow-up questions: rewrite "Et celui du Sénégal ?" into a question that stands alone.

Two cases, both plain string work on the previous standalone question:
- the follow-up names a new subject ("Et pour le Sénégal ?"): the previous
  question is repeated with its subject swapped;
- it refers back ("Elle est élue de quelle ville ?", "Et combien y ont donné ?"):
  it is searched together with the previous question.
"""

from __future__ import annotations

import re

from bot.text import STOPWORDS, content_stems, fold

# After an acknowledgement of the last answer (« ok, et qui peut nous aider ? »).
_FOLLOW_UP_START = re.compile(
    r"^\s*(?:(?:ok|okay|d'accord|dac|merci|super|parfait|bon|ah|oui|thanks|great)\W+)*"
    r"(et|mais|alors|puis|aussi|pareil|idem|and|what about|how about)\b",
    re.IGNORECASE,
)
_BACK_REFERENCE = re.compile(
    r"(?<![\w-])(il|elle|ils|elles|y|lui|leur|"
    r"celui|celle|ceux|celles|ce groupe|cette|"
    r"ce fonds|ce dispositif|cet|le même|la même|son|sa|ses|leurs?|it|they|he|she|its|their)"
    r"(?![\w-])",
    re.IGNORECASE,
)
# « en » the pronoun (« combien en ont donné », « la région en a versé », « j'en ai
# besoin ») stands after a subject, « combien », « n' » or « y », or before a form of
# « avoir » or « être »; otherwise it is the preposition of « en euros », « en ligne »,
# « en 2023 », « en Turquie », « en janvier ».
_EN_PRONOUN = re.compile(
    r"(?:(?<![\w-])(?:combien|il|elle|on|ils|elles|nous|vous|qui|y)\s+|(?<![\w-])[jn]['’]\s*)"
    r"en(?![\w-])(?!\s+(?:\d|(?-i:[A-ZÀ-Ý])))"
    r"|(?<![\w-])en\s+(?:a|ai|as|avons|avez|ont|avait|avaient|aura|auront|est|sont|était|"
    r"étaient|sera|seront)(?![\w-])",
    re.IGNORECASE,
)
# « la cncd elle finance quoi ? », « le grp japon il prépare quoi »: the pronoun takes
# up the subject the message itself opens with (spoken French), not the last question's.
_OPENING_SUBJECT = re.compile(
    r"^\s*(?:le|la|les|l['’])\s*[^\s,?!.]+(?:\s+[^\s,?!.]+){0,3}?\s*,?\s+(il|elle|ils|elles)(?![\w-])",
    re.IGNORECASE,
)
# « qui le préside ? », « on la contacte comment ? », « qui les finance ? »: « le », « la »,
# « les » after a subject are object pronouns; before a noun and its complement they are
# articles (« c qui le président du groupe burkina »).
_OBJECT_PRONOUN = re.compile(
    r"(?<![\w-])(?:qui|on|je|nous|vous|ne|il|elle|ils|elles)\s+(?:(?:le|la|les)(?![\w-])|l['’])"
    r"(?!\s*[\w-]+\s+(?:du|de|des|d['’]))",
    re.IGNORECASE,
)
# « il y a », « y a-t-il », « ya »: impersonal, they refer back to nothing.
_IMPERSONAL = re.compile(
    r"(?<![\w-])(?:il\s+y\s+a|y\s+a[\s-]+t[\s-]+il|ya)(?![\w-])", re.IGNORECASE
)
# A capitalised word that is not the first of the sentence: a proper noun (country, city…).
_PROPER_NOUN = re.compile(r"(?<=[\s'’(])([A-ZÀ-Ý][\wÀ-ÿ'’-]+(?:\s+[A-ZÀ-Ý][\wÀ-ÿ'’-]+)*)")
_MAX_FOLLOW_UP_WORDS = 4
_QUESTION_WORD = re.compile(
    r"(?<![\w-])(?:ou|quand|combien|comment|pourquoi|qui|quoi|quel|quelle|where|when|who|how)"
    r"(?![\w-])"
)


def standalone_question(question: str, previous: str | None) -> str:
    """``question`` made self-contained using ``previous`` (the last standalone question)."""
    if not previous or not looks_like_follow_up(question):
        return question
    new_subjects = _proper_nouns(question)
    old_subjects = _proper_nouns(previous)
    if new_subjects and old_subjects and len(content_stems(question)) <= _MAX_FOLLOW_UP_WORDS:
        old, new = old_subjects[-1], new_subjects[-1]
        # « Et la dynamique Jeunesse ? » after « … le groupe-pays Mali ? »: the kind of
        # subject changes with it.
        old_kind, new_kind = _kind_before(previous, old), _kind_before(question, new)
        if old_kind and new_kind:
            return previous.replace(f"{old_kind} {old}", f"{new_kind} {new}")
        return previous.replace(old, new)
    return f"{previous} {question}"


def opens_like_follow_up(question: str) -> bool:
    """« et… », « mais… », "what about…": the message continues the last question."""
    return _FOLLOW_UP_START.match(question) is not None


def looks_like_follow_up(question: str) -> bool:
    if opens_like_follow_up(question):
        return True
    words = content_stems(question)
    # « c'est où ? », « et quand ? »: only question words, nothing of its own to ask about.
    if not words and _QUESTION_WORD.search(fold(question)):
        return True
    if len(words) > _MAX_FOLLOW_UP_WORDS:
        return False
    personal = _IMPERSONAL.sub(" ", question)  # « il y a » refers back to nothing
    opening = _OPENING_SUBJECT.match(personal)
    if opening is not None:
        personal = personal[: opening.start(1)] + personal[opening.end(1) :]
    return bool(_BACK_REFERENCE.search(personal) or _EN_PRONOUN.search(personal))


def takes_up_an_object(question: str) -> bool:
    """« qui le préside ? », « on la contacte comment ? »: an object pronoun (not the
    article of « c qui le président du groupe burkina »)."""
    return _OBJECT_PRONOUN.search(question) is not None


def _kind_before(text: str, name: str) -> str | None:
    """The noun naming ``name``'s kind just before it, with its article (« la dynamique »)."""
    article = r"(?:(?:le|la|les|du|de la|des|the) )?"
    match = re.search(rf"(?<![\w-])({article}([a-zà-ÿ][a-zà-ÿ-]{{3,}})) {re.escape(name)}", text)
    if match is None or fold(match.group(2)) in STOPWORDS:
        return None
    return match.group(1)


def _proper_nouns(text: str) -> list[str]:
    return [
        match
        for match in _PROPER_NOUN.findall(text)
        if fold(match) not in {"cuf", "cites unies france"}
    ]
