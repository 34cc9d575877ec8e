"""``python -m bot funding [ID] [--json]``: list the funding fiches, or show one."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from bot.funding.render import ALL_SECTIONS, render_answer
from bot.messages import message

if TYPE_CHECKING:
    from bot.app import Services


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "funding",
        help="list the funding schemes, or show one",
        description="Lists the funding fiches (id, name, one line); with an ID, shows that fiche.",
    )
    parser.add_argument("id", nargs="?", help="fiche id, e.g. afd_ficol (see the list)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, services: Services) -> int:
    """Print the list or one fiche; an unknown id prints the known ids and returns 1."""
    catalog = services.funding_catalog
    for error in catalog.errors:
        print(message("cli_fiche_skipped", error=error), file=sys.stderr)
    if args.id is None:
        if args.json:
            rows = [
                {"id": fiche.id, "name": fiche.name, "summary": fiche.tagline}
                for fiche in catalog.fiches
            ]
            print(json.dumps(rows, ensure_ascii=False, indent=2))
        else:
            width = max((len(fiche.id) for fiche in catalog.fiches), default=0)
            for fiche in catalog.fiches:
                print(f"{fiche.id:<{width}}  {fiche.short_name} — {fiche.tagline}")
        return 0
    chosen = catalog.get(args.id.strip().lower().replace("-", "_"))
    if chosen is None:
        guesses = catalog.find(args.id)
        hint = " " + message("cli_fiche_did_you_mean", id=guesses[0].id) if guesses else ""
        known = ", ".join(item.id for item in catalog.fiches)
        print(
            message("cli_unknown_fiche", id=args.id, hint=hint, known=known),
            file=sys.stderr,
        )
        return 1
    if args.json:
        print(json.dumps(chosen.model_dump(mode="json"), ensure_ascii=False, indent=2))
    else:
        print(render_answer(chosen, services.now().date(), ALL_SECTIONS, compact=False))
    return 0
