"""Seeded fuzzing: 500 mutated PDFs, 200 mutated calendars, 200 mutated fiches, 100 notes.

The ingest never aborts and names every file it skips with a reason; the agenda,
the reminder sweep and the funding catalog never raise and name every calendar
or fiche they could not use. The PDFs are small (one page) to keep the run short;
embeddings are LangChain's deterministic fake (the subject here is reading files,
not search quality). Figures are printed (``pytest -s``).
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from langchain_core.embeddings import DeterministicFakeEmbedding
from pdfs import Page, text_pdf

from bot.app import build_agenda
from bot.funding.catalog import FundingCatalog
from bot.ingest.pipeline import run_ingest
from bot.meetings.delivery import RecordingSender, deliver
from bot.meetings.outbox import Outbox
from bot.meetings.planner import ReminderPlanner
from bot.meetings.subscriptions import SubscriptionStore
from bot.settings import Settings
from bot.storage import Database

REPO = Path(__file__).resolve().parents[2]
SEED = 14
PDFS, CALENDARS, FICHES, NOTES = 500, 200, 200, 100

Mutation = Callable[[random.Random, bytes], bytes]


def flip(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 30)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(len(data))]


def insert(rng: random.Random, data: bytes) -> bytes:
    at = rng.randrange(len(data))
    return data[:at] + rng.randbytes(rng.randint(1, 200)) + data[at:]


def duplicate(rng: random.Random, data: bytes) -> bytes:
    start = rng.randrange(len(data))
    end = min(len(data), start + rng.randint(1, 2_000))
    return data[:end] + data[start:end] * rng.randint(1, 5) + data[end:]


def delete(rng: random.Random, data: bytes) -> bytes:
    start = rng.randrange(len(data))
    return data[:start] + data[start + rng.randint(1, 500) :]


def numbers(rng: random.Random, data: bytes) -> bytes:
    """Replace some numbers (lengths, offsets, object ids, dates) by odd ones."""
    odd = [b"0", b"-1", b"99999999999999999999", b"2024-02-30", b"20270230T250000", b"1e308"]
    matches = list(re.finditer(rb"\d+", data))
    out = data
    for match in rng.sample(matches, min(len(matches), rng.randint(1, 6)))[::-1]:
        out = out[: match.start()] + rng.choice(odd) + out[match.end() :]
    return out


def tokens(rng: random.Random, data: bytes) -> bytes:
    """Swap tokens each format cares about for unsupported or hostile ones."""
    swaps = [
        (b"/FlateDecode", b"/FooDecode"),
        (b"/FlateDecode", b"/JBIG2Decode"),
        (b"/Type /Page", b"/Type /Pages"),
        (b"endobj", b"endobk"),
        (b"FREQ=WEEKLY", b"FREQ=SECONDLY"),
        (b"FREQ=WEEKLY", b"FREQ=MINUTELY"),
        (b"END:VEVENT", b""),
        (b"DTSTART", b"DTSTRT"),
        (b"TZID=Europe/Paris", b"TZID=Mars/Olympus"),
        (b"last_verified: 2026", b"last_verified: 2026-02-30 #"),
        (b"\n  - ", b"\n\t- "),
        (b"id: ", b"id: &x "),
        (b"date: ", b"date: 2024-02-30 #"),
    ]
    old, new = rng.choice(swaps)
    return data.replace(old, new, rng.randint(1, 3))


MUTATIONS: list[Mutation] = [flip, truncate, insert, duplicate, delete, numbers, tokens]


def mutate(rng: random.Random, data: bytes) -> bytes:
    for mutation in rng.sample(MUTATIONS, rng.randint(1, 3)):
        if data:
            data = mutation(rng, data)
    return data


CALENDAR_BASE = (
    (REPO / "tests" / "meetings" / "fixtures" / "cases.ics")
    .read_bytes()
    .replace(
        b"END:VCALENDAR",
        b"BEGIN:VEVENT\r\nUID:w@fuzz\r\nDTSTAMP:20270101T000000Z\r\n"
        b"DTSTART;TZID=Europe/Paris:20270301T100000\r\nDURATION:PT1H\r\n"
        b"RRULE:FREQ=WEEKLY;COUNT=50\r\nSUMMARY:Groupe-pays Mali\r\nEND:VEVENT\r\n"
        b"END:VCALENDAR",
    )
)


def build_knowledge(root: Path, rng: random.Random) -> dict[str, int]:
    """Write every mutated file; return how many files of each kind were written."""
    base_pdf = text_pdf(
        root / "base.pdf",
        [
            Page(
                ["Le groupe-pays Mali se réunit à Paris.", "Il adopte sa feuille de route."],
                heading="Groupe-pays Mali",
            )
        ],
        title="Base",
    ).read_bytes()
    (root / "base.pdf").unlink()
    publications = root / "knowledge" / "publications"
    publications.mkdir(parents=True)
    for number in range(PDFS):
        (publications / f"fuzz-{number:03}.pdf").write_bytes(mutate(rng, base_pdf))

    meetings = root / "knowledge" / "meetings"
    meetings.mkdir()
    (meetings / "groups.yaml").write_bytes(
        (REPO / "knowledge" / "meetings" / "groups.yaml").read_bytes()
    )
    for number in range(CALENDARS):
        (meetings / f"fuzz-{number:03}.ics").write_bytes(mutate(rng, CALENDAR_BASE))

    funding = root / "knowledge" / "funding"
    funding.mkdir()
    shipped = sorted((REPO / "knowledge" / "funding").glob("*.yaml"))
    for number in range(FICHES):
        source = rng.choice(shipped)
        fiche_id = f"fz_{number:03}"
        text = re.sub(rb"(?m)^id: .*$", b"id: " + fiche_id.encode(), source.read_bytes())
        suffix = ".yml" if number % 2 else ".yaml"
        (funding / f"{fiche_id}{suffix}").write_bytes(
            mutate(rng, text) if number % 4 else text  # a quarter stay valid
        )

    notes = root / "knowledge" / "notes"
    notes.mkdir()
    note = (
        "---\ntitle: Compte rendu\ndate: 2027-03-10\ngroup: mali\n---\n"
        "# Décisions\nLe groupe-pays Mali adopte son programme.\n"
    ).encode()
    for number in range(NOTES):
        (notes / f"fuzz-{number:03}.md").write_bytes(mutate(rng, note))
    return {"pdf": PDFS, "ics": CALENDARS, "fiche": FICHES, "note": NOTES}


def test_fuzzed_knowledge_never_aborts_and_every_bad_file_is_named(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    counts = build_knowledge(tmp_path, rng)
    knowledge = tmp_path / "knowledge"
    started = time.monotonic()

    report = run_ingest(
        knowledge, tmp_path / "state" / "index", DeterministicFakeEmbedding(size=384)
    )

    ingest_seconds = time.monotonic() - started
    indexed = set(report.added)
    skipped = report.skipped
    expected = {
        path.relative_to(knowledge).as_posix()
        for folder in ("publications", "notes", "funding")
        for path in (knowledge / folder).iterdir()
    }
    assert indexed | set(skipped) == expected and not indexed & set(skipped)
    assert all(reason.strip() for reason in skipped.values())
    skipped_pdfs = [path for path in skipped if path.endswith(".pdf")]
    assert 0 < len(skipped_pdfs) < PDFS  # the mutations hit, and not everything

    catalog = FundingCatalog.load(knowledge / "funding")
    named = {error.split(":", 1)[0] for error in catalog.errors}
    loaded = {fiche.file.removeprefix("funding/") for fiche in catalog.fiches}
    assert named | loaded == {path.name for path in (knowledge / "funding").iterdir()}
    assert {f"funding/{name}" for name in named} <= set(skipped)

    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        knowledge_dir=knowledge,
        state_dir=tmp_path / "state",
        calendar_urls=[],
    )
    started = time.monotonic()
    agenda = build_agenda(settings)
    database = Database(settings.database_path)
    subscriptions = SubscriptionStore(database)
    subscriptions.follow("7", "mali")
    outbox = Outbox(database, agenda.timezone)
    planner = ReminderPlanner(agenda, subscriptions, outbox, settings.reminder_leads_minutes)
    now = datetime(2027, 3, 1, 9, 0, tzinfo=agenda.timezone)
    upcoming = agenda.upcoming(now, days=60)
    for step in range(0, 60 * 24, 360):
        plan = planner.plan(now + timedelta(minutes=step))
        asyncio.run(deliver(plan, outbox, RecordingSender()))
    agenda_seconds = time.monotonic() - started
    files = {path.name for path in (knowledge / "meetings").glob("*.ics")}
    sources = set(agenda.loaded_sources)
    problems = {error.source for error in agenda.errors}
    assert problems <= files | {path.name for path in (knowledge / "notes").iterdir()}
    assert files - sources <= problems  # every calendar that did not load is named
    print(
        f"\nfuzz (seed {SEED}): {counts['pdf']} PDFs ({len(skipped_pdfs)} skipped), "
        f"{counts['ics']} calendars ({len(files - sources)} unreadable, "
        f"{len(problems & files)} with problems, {len(upcoming)} meetings listed), "
        f"{counts['fiche']} fiches ({len(catalog.errors)} skipped), {counts['note']} notes "
        f"({len([p for p in skipped if p.startswith('notes/')])} skipped); "
        f"ingest {ingest_seconds:.1f} s, agenda and sweeps {agenda_seconds:.1f} s"
    )
