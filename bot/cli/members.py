"""``python -m bot access …``, ``feedback``, ``forget``: the staff's side of Telegram, offline.

python -m bot access list [--all]       pending access requests (or all)
python -m bot access approve USER_ID --admin ADMIN_ID
python -m bot access refuse USER_ID --admin ADMIN_ID
python -m bot access revoke USER_ID --admin ADMIN_ID   (also drops their groups and reminders)
python -m bot feedback                  every 👍/👎 with its question and answer
python -m bot forget --chat CHAT_ID     erase everything stored about a chat
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.app import Services


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    access = subparsers.add_parser("access", help="list, approve or refuse access requests")
    actions = access.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="pending access requests")
    listing.add_argument("--all", action="store_true", help="every request, decided or not")
    for name in ("approve", "refuse", "revoke"):
        decide = actions.add_parser(name, help=f"{name} a user's access")
        decide.add_argument("user_id", type=int)
        decide.add_argument("--admin", type=int, required=True, help="the deciding admin's id")
    access.set_defaults(handler=handle_access)

    feedback = subparsers.add_parser("feedback", help="ratings left on answers")
    feedback.set_defaults(handler=handle_feedback)

    forget = subparsers.add_parser("forget", help="erase everything stored about a chat")
    forget.add_argument("--chat", required=True, help="chat id")
    forget.set_defaults(handler=handle_forget)


def handle_access(args: argparse.Namespace, services: Services) -> int:
    members = services.members
    if args.action == "list":
        requests = members.requests(None if args.all else "pending")
        for request in requests:
            print(f"{request.user_id}\t{request.status}\t{request.requested_at}\t{request.label()}")
        if not requests:
            print("No request." if args.all else "No pending request.")
        return 0
    try:
        if args.action == "revoke":
            revoked = services.revoke_member(args.user_id, args.admin)
            if revoked is None:
                print(f"{args.user_id} is not an approved member: nothing to revoke.")
                return 1
            print(f"{revoked.label()}: access revoked, groups and reminders removed")
            return 0
        request, changed = members.decide(
            args.user_id, args.action == "approve", args.admin, services.now()
        )
    except PermissionError as error:
        print(f"Refused: {error} (admins are CUF_ADMIN_IDS).")
        return 2
    if not changed:
        print(
            f"{request.label()}: already {request.status} by {request.decided_by} "
            f"on {request.decided_at}; nothing changed (use `access revoke` to withdraw access)."
        )
        return 1
    print(f"{request.label()}: {request.status}")
    return 0


def handle_feedback(args: argparse.Namespace, services: Services) -> int:
    ratings = services.feedback.ratings()
    for rating in ratings:
        mark = "👍" if rating.rating > 0 else "👎"
        print(
            f"{rating.rated_at}\t{mark}\tchat {rating.chat_id}\t{rating.question}\t{rating.answer}"
        )
    if not ratings:
        print("No rating yet.")
    return 0


def handle_forget(args: argparse.Namespace, services: Services) -> int:
    services.forget_chat(args.chat)
    print(f"Everything stored about chat {args.chat} was erased.")
    return 0
