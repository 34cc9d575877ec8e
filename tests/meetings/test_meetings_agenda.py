"""The agenda: recurrence, EXDATE, moved/cancelled instances, all-day, UTC, DURATION, DST."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from meetings_helpers import FIXTURES, REPO, add_calendar, paris, run_cli

from bot.app import Services, build_agenda
from bot.settings import Settings


def agenda_json(settings: Settings, capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict]:
    assert run_cli(Services(settings), "agenda", "--json", *argv) == 0
    return json.loads(capsys.readouterr().out)


def summary(items: list[dict]) -> list[tuple]:
    return [
        (item["uid"], item["start"], item["end"], item["all_day"], item["groups"], item["status"])
        for item in items
    ]


def test_agenda_json_covers_every_calendar_case(settings, capsys):
    items = agenda_json(
        settings,
        capsys,
        "--calendar",
        str(FIXTURES / "cases.ics"),
        "--now",
        "2027-03-01T09:00:00+01:00",
        "--days",
        "40",
    )
    assert summary(items) == [
        # Weekly event written in UTC: 10:00 in winter…
        (
            "mali-weekly@test",
            "2027-03-02T10:00:00+01:00",
            "2027-03-02T11:00:00+01:00",
            False,
            ["mali"],
            "confirmed",
        ),
        # DURATION instead of DTEND; group found from the title (no CATEGORIES).
        (
            "cafe-duration@test",
            "2027-03-04T14:30:00+01:00",
            "2027-03-04T16:00:00+01:00",
            False,
            ["cafe-des-elus"],
            "confirmed",
        ),
        # 9 March is an EXDATE. Tokyo 18:00 is 10:00 in Paris.
        (
            "japon-tokyo@test",
            "2027-03-10T10:00:00+01:00",
            "2027-03-10T12:00:00+01:00",
            False,
            ["japon", "webinaires"],
            "confirmed",
        ),
        # All-day event without DTEND lasts one day.
        (
            "journee-allday@test",
            "2027-03-15T00:00:00+01:00",
            "2027-03-16T00:00:00+01:00",
            True,
            [],
            "confirmed",
        ),
        # The 16 March instance moved to the 17th (RECURRENCE-ID override).
        (
            "mali-weekly@test",
            "2027-03-17T14:00:00+01:00",
            "2027-03-17T15:00:00+01:00",
            False,
            ["mali"],
            "confirmed",
        ),
        (
            "senegal-tentative@test",
            "2027-03-20T10:00:00+01:00",
            "2027-03-20T12:00:00+01:00",
            False,
            ["senegal"],
            "tentative",
        ),
        # 23 March instance cancelled: left out. Local-time series keeps 10:00 across DST.
        (
            "climat-dst@test",
            "2027-03-25T10:00:00+01:00",
            "2027-03-25T11:00:00+01:00",
            False,
            ["climat"],
            "confirmed",
        ),
        # Spans the night the clocks go forward: 5 hours, offset changes.
        (
            "crises-night@test",
            "2027-03-27T23:00:00+01:00",
            "2027-03-28T04:00:00+02:00",
            False,
            ["crises"],
            "confirmed",
        ),
        # …and 11:00 in summer, since it is pinned to UTC.
        (
            "mali-weekly@test",
            "2027-03-30T11:00:00+02:00",
            "2027-03-30T12:00:00+02:00",
            False,
            ["mali"],
            "confirmed",
        ),
        (
            "climat-dst@test",
            "2027-04-01T10:00:00+02:00",
            "2027-04-01T11:00:00+02:00",
            False,
            ["climat"],
            "confirmed",
        ),
        (
            "mali-weekly@test",
            "2027-04-06T11:00:00+02:00",
            "2027-04-06T12:00:00+02:00",
            False,
            ["mali"],
            "confirmed",
        ),
    ]
    moved = items[4]
    assert moved["title"] == "Réunion du groupe-pays Mali (déplacée)"
    assert moved["location"] == "Cités Unies France"
    assert moved["occurrence"] == "20270316T090000Z"


def test_agenda_json_group_filter_and_ongoing_event(settings, capsys):
    items = agenda_json(
        settings,
        capsys,
        "--calendar",
        str(FIXTURES / "cases.ics"),
        "--now",
        "2027-03-28T01:00:00+01:00",
        "--days",
        "10",
        "--group",
        "crises",
    )
    # Started before "now" but not over yet: still on the agenda.
    assert [item["uid"] for item in items] == ["crises-night@test"]


def test_shipped_sample_calendar(settings, capsys):
    sample = REPO / "knowledge" / "meetings" / "cuf-agenda-exemple.ics"
    shutil.copy(sample, settings.knowledge_dir / "meetings")
    items = agenda_json(settings, capsys, "--now", "2027-01-01T00:00:00+01:00", "--days", "365")
    starts = [(item["title"][:22], item["start"]) for item in items]
    chroniques = [start for title, start in starts if title.startswith("Chronique")]
    # Second Thursday monthly, COUNT=10, 12 August excluded: nine left, DST-correct.
    assert chroniques == [
        "2027-01-14T12:30:00+01:00",
        "2027-02-11T12:30:00+01:00",
        "2027-03-11T12:30:00+01:00",
        "2027-04-08T12:30:00+02:00",
        "2027-05-13T12:30:00+02:00",
        "2027-06-10T12:30:00+02:00",
        "2027-07-08T12:30:00+02:00",
        "2027-09-09T12:30:00+02:00",
        "2027-10-14T12:30:00+02:00",
    ]
    by_uid = {item["uid"]: item for item in items}
    assert "climat-atelier-2027-02@exemple.cites-unies-france.org" not in by_uid  # cancelled
    raict = by_uid["raict-2027@exemple.cites-unies-france.org"]
    assert (raict["start"], raict["end"], raict["all_day"], raict["groups"]) == (
        "2027-09-29T00:00:00+02:00",
        "2027-10-01T00:00:00+02:00",
        True,
        ["raict"],
    )
    japon = by_uid["franco-japonaises-2027@exemple.cites-unies-france.org"]
    assert (japon["start"], japon["end"], japon["groups"]) == (
        "2027-11-15T01:30:00+01:00",
        "2027-11-15T10:00:00+01:00",
        ["japon"],
    )
    madagascar = by_uid["gp-madagascar-2027-01@exemple.cites-unies-france.org"]
    assert madagascar["groups"] == ["madagascar"]


def test_past_events_are_left_out(settings, capsys):
    items = agenda_json(
        settings,
        capsys,
        "--calendar",
        str(FIXTURES / "cases.ics"),
        "--now",
        "2027-04-06T12:00:00+02:00",
        "--days",
        "30",
    )
    assert [item["uid"] for item in items] == []


def test_malformed_calendars_are_reported_by_name_and_others_load(knowledge, settings):
    add_calendar(knowledge, "cases.ics")
    add_calendar(knowledge, "not-a-calendar.ics")
    add_calendar(knowledge, "one-broken-event.ics")
    agenda = build_agenda(settings)

    uids = {item.uid for item in agenda.upcoming(paris(2027, 3, 1, 9, 0), days=40)}

    assert "good@test" in uids and "mali-weekly@test" in uids
    messages = [str(error) for error in agenda.errors]
    assert len(messages) == 2
    assert messages[0].startswith("not-a-calendar.ics: not a valid iCalendar file")
    assert messages[1].startswith("one-broken-event.ics: event 'bad-date@test' skipped: DTSTART")
    assert agenda.complete is False  # a whole file is missing


def test_malformed_file_is_named_on_stderr(knowledge, settings, capsys):
    add_calendar(knowledge, "not-a-calendar.ics")
    add_calendar(knowledge, "cases.ics")
    items = agenda_json(settings, capsys, "--now", "2027-03-01T09:00:00+01:00", "--days", "3")
    # capsys was read inside agenda_json; re-run for stderr.
    assert [item["uid"] for item in items] == ["mali-weekly@test"]
    assert run_cli(Services(settings), "agenda", "--now", "2027-03-01T09:00", "--days", "3") == 0
    err = capsys.readouterr().err
    assert "not-a-calendar.ics: not a valid iCalendar file" in err


def test_notes_attach_to_their_meeting(knowledge, settings, capsys):
    add_calendar(knowledge, "cases.ics")
    (knowledge / "notes" / "mali.md").write_text(
        "---\ntitle: Compte rendu Mali\ndate: 2027-03-17\ngroup: Groupe-pays Mali\n---\n"
        "Décisions…\n",
        encoding="utf-8",
    )
    (knowledge / "notes" / "autre.md").write_text(
        "---\ntitle: Sans groupe\ndate: 2027-03-17\n---\nTexte.\n", encoding="utf-8"
    )
    items = agenda_json(settings, capsys, "--now", "2027-03-16T00:00:00+01:00", "--days", "2")
    assert [(item["uid"], item["notes"]) for item in items] == [
        ("mali-weekly@test", [str(knowledge / "notes" / "mali.md")])
    ]


def test_unknown_group_lists_close_matches(settings, capsys):
    assert run_cli(Services(settings), "agenda", "--group", "Madagscar", "--now", "2027-01-01") == 1
    err = capsys.readouterr().err
    assert "Groupe inconnu : « Madagscar »." in err
    assert "madagascar (Groupe-pays Madagascar)" in err


def test_missing_groups_file_is_named(tmp_path: Path):
    from bot.meetings.groups import GroupDirectory, GroupsError

    with pytest.raises(GroupsError, match="groups.yaml"):
        GroupDirectory.load(tmp_path / "groups.yaml")
