"""The composition root: the one place where settings become services.

Importing this module creates nothing; each service is built on first use, so
``python -m bot funding`` never loads the search index and tests build exactly
what they exercise.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence, Set
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar
from zoneinfo import ZoneInfo

from bot.settings import Settings

if TYPE_CHECKING:
    import httpx

    from bot.answering.calibration import Calibration
    from bot.answering.generative import GenerativeAnswerer, LlmEndpoint
    from bot.answering.llm_health import ProbeResult
    from bot.assistant import Assistant
    from bot.conversation import ConversationStore
    from bot.feedback import FeedbackStore
    from bot.funding.catalog import FundingCatalog
    from bot.funding.deadlines import Deadline, DeadlineSource
    from bot.index.records import Chunk
    from bot.ingest.pipeline import IngestReport
    from bot.meetings.agenda import Agenda
    from bot.meetings.planner import ReminderPlanner
    from bot.meetings.subscriptions import SubscriptionStore
    from bot.members import AccessRequest, MemberStore
    from bot.retrieval.embeddings import Embeddings
    from bot.retrieval.retriever import Retriever
    from bot.staff.documents import DocumentLibrary
    from bot.staff.gaps import GapGroup
    from bot.staff.handoff import HandoffStore
    from bot.storage import Database
    from bot.understanding.names import NameTable
    from bot.understanding.question import Analyzer


logger = logging.getLogger(__name__)
_WARM_UP_QUESTION = "Qu'est-ce que Cités Unies France ?"
_WARM_UP_CHAT = "__warm_up__"

Clock = Callable[[], datetime]
_T = TypeVar("_T")


class _Once(Generic[_T]):
    """A value computed on first use, once, whichever threads ask for it."""

    def __init__(self, compute: Callable[[], _T]) -> None:
        self._compute = compute
        self._lock = threading.Lock()
        self._value: _T | None = None

    def __call__(self) -> _T:
        with self._lock:
            if self._value is None:
                self._value = self._compute()
            return self._value


@dataclass(frozen=True)
class AnsweringStack:
    """What answers from one index generation: replaced as a whole when the index changes.

    The retriever, the cross-language name table built from its passages (on first
    use) and the assistant over both; a question already being answered keeps the
    stack it started with.
    """

    retriever: Retriever
    names: Callable[[], NameTable]
    assistant: Assistant


class Services:
    """Lazily built services sharing one settings object and one SQLite file.

    ``background`` is set by long-running processes (the bot): calendar URLs are
    then fetched off the request path. Every question checks, at most every
    ``index_check_seconds``, whether another process (``python ingest.py``)
    published a new index generation, and then answers from it.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock | None = None,
        embeddings: Embeddings | None = None,
        retriever: Retriever | None = None,
        assistant: Assistant | None = None,
        background: bool = False,
    ) -> None:
        """Everything is built from ``settings`` unless given here (tests give what they fix).

        ``clock``: the one clock of the app (default: now in the configured time zone);
        ``embeddings``: the embedding model (default: the embedded E5 model);
        ``retriever``: an opened index to answer from first (default: the published one);
        ``assistant``: a stand-in honouring ``answer(question, chat_id)``;
        ``background``: set by long-running processes (the bot).
        """
        self.settings = settings
        self.timezone = ZoneInfo(settings.timezone)
        self.clock: Clock = clock or self._system_time
        self.background = background
        self._embeddings = embeddings
        self._first_retriever = retriever
        self._stand_in = assistant
        self._stack: AnsweringStack | None = None
        self._stack_lock = threading.Lock()  # guards _stack and the index check
        self._reload_lock = threading.Lock()  # one thread opens a new generation at a time
        self._next_index_check = 0.0

    def _system_time(self) -> datetime:
        return datetime.now(self.timezone)

    def now(self) -> datetime:
        """The current time in the configured time zone (the one clock of the app)."""
        return self.clock()

    @cached_property
    def database(self) -> Database:
        return open_database(self.settings)

    # --- questions and answers -------------------------------------------------

    @cached_property
    def embeddings(self) -> Embeddings:
        """One embedding model per process, shared by the index and the ingest."""
        if self._embeddings is not None:
            return self._embeddings
        from bot.index.layout import models_dir
        from bot.retrieval.embeddings import E5Embeddings

        return E5Embeddings(
            cache_dir=models_dir(self.settings.index_dir),
            threads=self.settings.embed_threads,
            late_sentences=self.settings.sentence_vectors == "late",
        )

    def answering(self) -> AnsweringStack:
        """The current answering stack, built on first use from the published index."""
        with self._stack_lock:
            stack = self._stack
        if stack is not None:
            return stack
        with self._reload_lock:
            with self._stack_lock:
                if self._stack is not None:
                    return self._stack
            retriever, self._first_retriever = self._first_retriever, None
            fresh = self._build_stack(retriever or self._open_retriever(self.embeddings))
            with self._stack_lock:
                self._stack = fresh
            return fresh

    @property
    def loaded(self) -> AnsweringStack | None:
        """The answering stack if it was built already (never builds it)."""
        with self._stack_lock:
            return self._stack

    @property
    def retriever(self) -> Retriever:
        return self.answering().retriever

    @property
    def names(self) -> NameTable:
        """The corpus's names for cross-language matching (vectors cached per generation)."""
        return self.answering().names()

    def _open_retriever(self, embeddings: Embeddings) -> Retriever:
        from bot.retrieval.aliases import AliasTable
        from bot.retrieval.retriever import Retriever

        aliases = AliasTable.load(self.settings.knowledge_dir / "aliases.yaml")
        weights = self.calibration.retrieval_weights
        return Retriever.open(self.settings.index_dir, aliases, embeddings, weights)

    def _build_stack(self, retriever: Retriever) -> AnsweringStack:
        from bot.assistant import Assistant
        from bot.funding.explainer import FundingResponder
        from bot.meetings.responder import AgendaResponder
        from bot.staff.faq import FAQ_FILE, FaqResponder

        def build_names() -> NameTable:
            generation = retriever.generation
            index_dir = generation.parent if generation is not None else None
            return name_table(retriever.chunks, retriever.embeddings, index_dir)

        names = _Once(build_names)
        assistant = Assistant(
            retriever=retriever,
            conversations=self.conversations,
            responders=[FundingResponder(self.funding_catalog), AgendaResponder(self.agenda)],
            clock=self.now,
            generator=self.generator,
            analyzer=self.analyzer,
            calibration=self.calibration,
            names=names,
            curated=FaqResponder(
                self.settings.knowledge_dir / FAQ_FILE, self.analyzer, self.embeddings.embed_query
            ).try_answer,
        )
        return AnsweringStack(retriever, names, assistant)

    def refresh_index(self, force: bool = False) -> bool:
        """Answer from a generation another process published since; true when reloaded.

        A cheap check (one small file read) made at most every ``index_check_seconds``;
        the reload itself happens in the calling thread while other threads keep
        answering from the previous stack, which is then swapped in one assignment.
        """
        from bot.index.layout import current_generation

        with self._stack_lock:
            moment = time.monotonic()
            if not force and moment < self._next_index_check:
                return False
            self._next_index_check = moment + self.settings.index_check_seconds
            loaded = self._stack
            if loaded is None:
                return False  # nothing loaded yet: the first use opens the current one
            published = current_generation(self.settings.index_dir)
            if published is None or published == loaded.retriever.generation:
                return False
        if not self._reload_lock.acquire(blocking=False):
            return False  # another thread is reloading
        try:
            fresh = self._build_stack(self._open_retriever(loaded.retriever.embeddings))
        except Exception:
            logger.exception("cannot open the new index generation; keeping the current one")
            return False
        finally:
            self._reload_lock.release()
        with self._stack_lock:
            if self._stack is not loaded:
                return False  # a reindex in this process swapped a newer stack meanwhile
            self._stack = fresh
        logger.info("index generation %s loaded", published.name)
        return True

    @cached_property
    def conversations(self) -> ConversationStore:
        from bot.conversation import ConversationStore

        return ConversationStore(
            self.database,
            max_turns=self.settings.history_turns,
            ttl_minutes=self.settings.history_ttl_minutes,
        )

    @cached_property
    def calibration(self) -> Calibration:
        from bot.answering.calibration import load_calibration

        return load_calibration()

    @cached_property
    def analyzer(self) -> Analyzer:
        from bot.understanding.lexicon import load_lexicon
        from bot.understanding.question import Analyzer

        return Analyzer(
            load_lexicon(),
            find_schemes=lambda text: [fiche.id for fiche in self.funding_catalog.find(text)],
            find_groups=lambda text: [group.id for group in self.agenda.groups.find_in_text(text)],
            corpus_stems=self._corpus_stems,
        )

    def _corpus_stems(self) -> Set[str]:
        """The stems the open index uses; none before one is open (never opens it)."""
        stack = self.loaded
        return stack.retriever.lexical.vocabulary if stack is not None else frozenset()

    @property
    def assistant(self) -> Assistant:
        """The assistant, on the newest published index (see :meth:`refresh_index`)."""
        if self._stand_in is not None:
            return self._stand_in
        self.refresh_index()
        return self.answering().assistant

    @assistant.setter
    def assistant(self, value: Assistant) -> None:
        """Answer with a stand-in honouring ``answer(question, chat_id)`` from now on."""
        self._stand_in = value

    @cached_property
    def generator(self) -> GenerativeAnswerer | None:
        """The LLM endpoint, or ``None`` (extractive mode); kept across re-indexing."""
        from bot.answering.generative import GenerativeAnswerer

        endpoint = llm_endpoint(self.settings)
        return GenerativeAnswerer.from_endpoint(endpoint) if endpoint is not None else None

    def probe_llm(self) -> ProbeResult | None:
        """At start-up: check the endpoint's key and model, log one line (``None``: none)."""
        return self.generator.probe() if self.generator is not None else None

    def llm_status(self) -> dict[str, Any] | None:
        """Probe state, circuit breaker and outcome counts, for ``/stats`` (``None``: none)."""
        return self.generator.status() if self.generator is not None else None

    # --- funding schemes ---------------------------------------------------------

    @cached_property
    def funding_catalog(self) -> FundingCatalog:
        from bot.funding.catalog import FundingCatalog

        return FundingCatalog.load(self.settings.knowledge_dir / "funding")

    # --- meetings ------------------------------------------------------------------

    @cached_property
    def agenda(self) -> Agenda:
        return build_agenda(self.settings, background=self.background)

    @cached_property
    def subscriptions(self) -> SubscriptionStore:
        from bot.meetings.subscriptions import SubscriptionStore

        return SubscriptionStore(self.database)

    @cached_property
    def reminders(self) -> ReminderPlanner:
        from bot.meetings.outbox import Outbox
        from bot.meetings.planner import ReminderPlanner

        lease = timedelta(seconds=self.settings.reminder_lease_seconds)
        outbox = Outbox(self.database, self.timezone, lease)
        leads = self.settings.reminder_leads_minutes
        return ReminderPlanner(
            self.agenda,
            self.subscriptions,
            outbox,
            leads,
            deadlines=self.funding_deadlines,
            deadline_days=self.settings.funding_reminder_days,
        )

    @cached_property
    def _deadline_source(self) -> DeadlineSource:
        from bot.funding.deadlines import DeadlineSource

        return DeadlineSource(self.settings.knowledge_dir / "funding")

    def funding_deadlines(self) -> tuple[Deadline, ...]:
        """The closing dates of the funding calls, as the fiches say now (re-read when a
        fiche changes, so a date the staff add is reminded without a restart)."""
        return self._deadline_source()

    # --- members and feedback ------------------------------------------------------

    @cached_property
    def members(self) -> MemberStore:
        from bot.members import MemberStore

        return MemberStore(self.database, self.settings.admin_ids, self.settings.allowed_user_ids)

    @cached_property
    def feedback(self) -> FeedbackStore:
        from bot.feedback import FeedbackStore

        return FeedbackStore(self.database)

    @cached_property
    def handoffs(self) -> HandoffStore:
        """Questions members handed over to the staff (``CUF_STAFF_CHAT_ID``)."""
        from bot.staff.handoff import HandoffStore

        return HandoffStore(self.database)

    def warm_up(self) -> float:
        """Load the index, the model, the fiches and the agenda now; returns the seconds spent.

        Called before a front end says it is ready, so the first member's answer
        is as fast as the tenth. One real question goes through the whole flow but
        the language model (its conversation turn is erased afterwards).
        """
        started = time.perf_counter()
        self.assistant  # noqa: B018  (builds the retriever and the responders)
        self.names  # noqa: B018  (the corpus's names, embedded once per generation)
        self.embeddings.embed_query("préchauffage")  # loads and touches every weight
        self.funding_catalog  # noqa: B018 (built on access)
        self.agenda.upcoming(self.now(), 30)
        self.members  # noqa: B018
        self.feedback  # noqa: B018
        self.assistant.answer(_WARM_UP_QUESTION, _WARM_UP_CHAT, generate=False)
        self.conversations.forget(_WARM_UP_CHAT)
        return time.perf_counter() - started

    def knowledge_gaps(self, days: int, limit: int = 10) -> tuple[list[GapGroup], int]:
        """The staff's knowledge gaps of the last ``days`` days and how many questions."""
        from bot.staff.gaps import collect, knowledge_gaps

        questions = collect(self.database, self.now() - timedelta(days=days))
        try:
            retriever = self.retriever
        except Exception:  # no index yet: the gaps without their passages
            search = None
        else:
            search = partial(retriever.search, k=2)
        groups = knowledge_gaps(
            questions,
            self.embeddings.embed_query,
            lambda text: self.analyzer.analyze(text).names,
            search,
            limit,
        )
        return groups, len(questions)

    @property
    def documents(self) -> DocumentLibrary:
        """The staff's documents: add or remove one, and the index follows."""
        from bot.staff.documents import DocumentLibrary

        return DocumentLibrary(self.settings.knowledge_dir, self.settings.index_dir, self.reindex)

    def reindex(self) -> IngestReport:
        """Bring the index up to date with ``knowledge/`` and answer from the new one."""
        from bot.ingest.pipeline import run_ingest

        report = run_ingest(self.settings.knowledge_dir, self.settings.index_dir, self.embeddings)
        if not report.published:
            return report
        self._first_retriever = None
        with self._reload_lock:
            with self._stack_lock:
                loaded = self._stack is not None
            fresh = self._build_stack(self._open_retriever(self.embeddings)) if loaded else None
            with self._stack_lock:
                self._stack = fresh  # None: the next question opens the new generation
        return report

    def forget_chat(self, chat_id: str) -> None:
        """Erase everything stored about a chat (``/oublier``), leaving no copy on disk.

        Deleted rows are overwritten (``secure_delete``) and the write-ahead log,
        which may still hold them, is checkpointed and truncated.
        """
        self.conversations.forget(chat_id)
        self.subscriptions.forget(chat_id)
        self.reminders.forget(chat_id)
        self.feedback.forget(chat_id)
        self.handoffs.forget(chat_id)
        self.database.scrub()

    def forget_user(self, user_id: int) -> None:
        """Erase what is stored about a person beyond one chat (``/oublier`` from them).

        Their ratings in every chat (groups included) and the name and @username
        of their access request; the decision itself stays, so a member stays a
        member and a refusal stays a refusal.
        """
        self.feedback.forget_user(user_id)
        self.members.erase_details(user_id)
        self.database.scrub()

    def revoke_member(self, user_id: int, admin_id: int) -> AccessRequest | None:
        """Withdraw an approved member's access, with their subscriptions and reminders.

        ``None`` when ``user_id`` was not an approved member (nothing changed).
        """
        request = self.members.revoke(user_id, admin_id, self.now())
        if request is not None:
            chat_id = str(user_id)  # their private chat with the bot
            self.subscriptions.forget(chat_id)
            self.reminders.forget(chat_id)
        return request


def build_services(settings: Settings) -> Services:
    return Services(settings)


# --- settings become the values each part takes ---------------------------------------


def name_table(
    chunks: Sequence[Chunk], embeddings: Embeddings, index_dir: Path | None
) -> NameTable:
    """The cross-language name table of ``chunks``, its term vectors cached in ``index_dir``.

    The cache serves every generation: a new one embeds only the words it adds.
    """
    from bot.understanding.names import NameTable

    texts = (f" {chunk.title} {chunk.section} {chunk.text}" for chunk in chunks)
    return NameTable.build(texts, embeddings, index_dir)


def open_database(settings: Settings) -> Database:
    """PostgreSQL when ``database_url`` is set, else the SQLite file under the state folder."""
    from bot.storage import Database  # SQLAlchemy: not for an ingest, which keeps no state

    url = settings.database_url
    return Database(url.get_secret_value() if url is not None else settings.database_path)


def build_agenda(
    settings: Settings,
    *,
    files: Sequence[Path] = (),
    transport: httpx.BaseTransport | None = None,
    background: bool = False,
) -> Agenda:
    """The configured agenda; with ``files``, exactly those calendars (``--calendar``)."""
    from bot.meetings.agenda import Agenda
    from bot.meetings.sources import Limits

    limits = Limits(
        max_bytes=settings.calendar_max_bytes,
        max_events=settings.calendar_max_events,
        fetch_seconds=settings.calendar_fetch_seconds,
    )
    return Agenda.from_knowledge(
        settings.knowledge_dir,
        ZoneInfo(settings.timezone),
        files=files,
        urls=() if files else settings.calendar_urls,
        cache_dir=None if files else settings.state_dir / "calendars",
        limits=limits,
        transport=transport,
        background=background,
    )


def llm_endpoint(settings: Settings) -> LlmEndpoint | None:
    """The language model's endpoint, or ``None`` when none is configured (extractive mode)."""
    from bot.answering.generative import LlmEndpoint

    if not (settings.llm_base_url and settings.llm_model):
        return None
    key = settings.llm_api_key
    return LlmEndpoint(
        base_url=settings.llm_base_url,
        model=settings.llm_model,
        api_key=key.get_secret_value() if key is not None else None,
        timeout_seconds=settings.llm_timeout_seconds,
        max_tokens=settings.llm_max_tokens,
        max_answer_chars=settings.llm_max_answer_chars,
        breaker_failures=settings.llm_breaker_failures,
        breaker_cooldown_seconds=settings.llm_breaker_cooldown_seconds,
    )
