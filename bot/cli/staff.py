"""The staff's side from the command line (the same as on Telegram).

python -m bot gaps [--days 30] [--limit 10] [--json]    questions left unanswered or rated 👎
python -m bot faq [--check]                             the curated answers of knowledge/faq.yaml
python -m bot faq add --gap N --answer TEXT --source TEXT [--variant TEXT…] [--days 30]
python -m bot faq add --question TEXT --answer TEXT --source TEXT [--variant TEXT…]
python -m bot documents list | add FILE --kind publication|note [--group G] | remove PATH
python -m bot export --chat ID [--user ID]               everything stored about a chat, as JSON
python -m bot purge [--days N]                           apply the retention period now
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.messages import message

if TYPE_CHECKING:
    from bot.app import Services


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    gaps = subparsers.add_parser("gaps", help="questions left unanswered or rated 👎, grouped")
    gaps.add_argument("--days", type=int, default=30, help="the period (default: 30 days)")
    gaps.add_argument("--limit", type=int, default=10, help="groups shown (default: 10)")
    gaps.add_argument("--json", action="store_true", help="one JSON document")
    gaps.set_defaults(handler=handle_gaps)

    faq = subparsers.add_parser("faq", help="the curated answers (knowledge/faq.yaml)")
    faq.add_argument("--check", action="store_true", help="validate the file only")
    actions = faq.add_subparsers(dest="action")
    add = actions.add_parser("add", help="add an entry (from a knowledge gap or a question)")
    origin = add.add_mutually_exclusive_group(required=True)
    origin.add_argument("--gap", type=int, help="the gap's number in `python -m bot gaps`")
    origin.add_argument("--question", help="the question, as members ask it")
    add.add_argument("--days", type=int, default=30, help="the gaps' period (as for gaps)")
    add.add_argument("--answer", required=True, help="the staff's answer")
    add.add_argument("--source", required=True, help="where the answer comes from")
    add.add_argument("--variant", action="append", default=[], help="another wording")
    faq.set_defaults(handler=handle_faq)

    documents = subparsers.add_parser("documents", help="list, add or remove indexed documents")
    verbs = documents.add_subparsers(dest="action", required=True)
    verbs.add_parser("list", help="the indexed documents")
    add_doc = verbs.add_parser("add", help="copy a file into knowledge/ and index it")
    add_doc.add_argument("file", type=Path)
    add_doc.add_argument("--kind", choices=("publication", "note"), required=True)
    add_doc.add_argument("--group", help="the group a note is about (its id)")
    remove = verbs.add_parser("remove", help="remove a publication or note and its passages")
    remove.add_argument("path", help="its path under knowledge/ (or its file name)")
    documents.set_defaults(handler=handle_documents)

    export = subparsers.add_parser("export", help="everything stored about a chat, as JSON")
    export.add_argument("--chat", required=True, help="chat id")
    export.add_argument("--user", type=int, help="user id (their ratings and access request)")
    export.set_defaults(handler=handle_export)

    purge = subparsers.add_parser("purge", help="delete conversations and answers past retention")
    purge.add_argument("--days", type=int, help="default: CUF_RETENTION_DAYS")
    purge.set_defaults(handler=handle_purge)


def handle_gaps(args: argparse.Namespace, services: Services) -> int:
    from bot.staff.gaps import render

    groups, questions = services.knowledge_gaps(args.days, args.limit)
    if args.json:
        data = {"days": args.days, "questions": questions, "groups": [g.to_dict() for g in groups]}
        print(json.dumps(data, ensure_ascii=False, indent=1))
        return 0
    if not groups:
        print(message("gaps_none", days=args.days))
        return 0
    print(message("cli_gaps_title", questions=questions, groups=len(groups), days=args.days))
    print("\n".join(render(groups, services.timezone)))
    return 0


def handle_faq(args: argparse.Namespace, services: Services) -> int:
    from bot.staff.faq import FAQ_FILE, FaqEntry, FaqError, append_entry, load_faq

    path = services.settings.knowledge_dir / FAQ_FILE
    if args.action != "add":
        try:
            entries = load_faq(path)
        except FaqError as error:
            print(message("cli_invalid", error=error), file=sys.stderr)
            return 1
        if args.check:
            print(message("cli_faq_valid", path=path, count=len(entries)))
            return 0
        for number, entry in enumerate(entries, start=1):
            updated = f"{entry.updated:%d/%m/%Y}"
            print(message("cli_faq_entry", number=number, question=entry.question, date=updated))
            for variant in entry.variants:
                print("   " + message("cli_faq_variant", variant=variant))
            print(f"   → {entry.answer}\n   " + message("cli_faq_source", source=entry.source))
        if not entries:
            print(message("cli_faq_none", path=path))
        return 0
    question, variants = args.question, list(args.variant)
    if args.gap is not None:
        groups, _count = services.knowledge_gaps(args.days, limit=max(args.gap, 10))
        if not 1 <= args.gap <= len(groups):
            print(message("cli_no_such_gap", number=args.gap), file=sys.stderr)
            return 1
        group = groups[args.gap - 1]
        question = group.example
        wordings = dict.fromkeys(q.question for q in group.questions)
        variants += [wording for wording in wordings if wording != question]
    try:
        entry = FaqEntry(
            question=question,
            variants=tuple(dict.fromkeys(variants)),
            answer=args.answer,
            source=args.source,
            updated=services.now().date(),
        )
        append_entry(path, entry)
    except (FaqError, ValueError) as error:
        print(message("cli_refused", error=error), file=sys.stderr)
        return 1
    count = len(entry.variants)
    print(message("cli_faq_added", path=path, question=entry.question, variants=count))
    return 0


def handle_documents(args: argparse.Namespace, services: Services) -> int:
    from bot.staff.library import LibraryError, find_document, indexed_documents

    if args.action == "list":
        documents = indexed_documents(services.settings.index_dir)
        for document in documents:
            state = document.skipped_reason or message("cli_passages", count=document.passages)
            print(f"{document.path}\t{document.title}\t{state}")
        if not documents:
            print(message("cli_no_documents"))
        return 0
    try:
        if args.action == "add":
            try:
                content = args.file.read_bytes()
            except OSError as error:
                print(
                    message("cli_unreadable", path=args.file, reason=error.strerror),
                    file=sys.stderr,
                )
                return 1
            outcome = services.documents.add(args.file.name, content, args.kind, args.group)
            print(outcome.summary())
            return 1 if outcome.skipped_reason else 0
        found = find_document(indexed_documents(services.settings.index_dir), args.path)
        report = services.documents.delete(found.path if found else args.path)
    except LibraryError as error:
        print(str(error), file=sys.stderr)
        return 1
    print(message("cli_document_removed", path=args.path, passages=report.chunks_total))
    return 0


def handle_export(args: argparse.Namespace, services: Services) -> int:
    from bot.staff.privacy import export_chat, export_json

    data = export_chat(services.database, args.chat, args.user, services.now())
    sys.stdout.write(export_json(data).decode("utf-8") + "\n")
    return 0


def handle_purge(args: argparse.Namespace, services: Services) -> int:
    from bot.staff.privacy import purge_older_than

    days = args.days if args.days is not None else services.settings.retention_days
    report = purge_older_than(services.database, services.now(), days)
    print(report.summary())
    return 0
