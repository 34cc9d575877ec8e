"""``python ingest.py``: bring the search index up to date with the ``knowledge/`` folder."""

from __future__ import annotations

import argparse
import logging
import sys

from bot.app import build_services, name_table
from bot.ingest.pipeline import run_ingest
from bot.settings import Settings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    settings = Settings()
    show_progress = not args.quiet and sys.stderr.isatty()
    services = build_services(settings)
    report = run_ingest(
        settings.knowledge_dir, settings.index_dir, services.embeddings, show_progress=show_progress
    )
    if report.published and report.new_chunks:
        # The cross-language name table's vectors are cached with the index, so that the
        # first question naming « Japan » does not pay for it. Only the new passages can
        # bring new names and words: they alone are read for them.
        name_table(report.new_chunks, services.embeddings, settings.index_dir)
    print(report.summary())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
