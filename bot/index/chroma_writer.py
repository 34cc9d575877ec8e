"""A generation's Chroma collections, written by a child process beside the ingest's work.

Chroma loads a collection's whole HNSW index on the first write to it (about 0.6 s a
collection at 66× the shipped knowledge) and holds the GIL while it does, so no thread
can overlap it. A child process (``python -m bot.index.chroma_writer GENERATION``)
imports chromadb, opens the collections and deletes the stale passages, loading both
indexes, while the ingest reads and embeds; it then stores what the ingest sends it.
The ingest publishes the generation only after the child has closed the collections and
said so; an ingest that fails, or is interrupted, kills the child first.

Requests go through a thread of the ingest: a pipe holds 64 KB, and the ingest's first
passages would otherwise wait there until the child has loaded both indexes (0.5–1 s at
66×), instead of the ingest writing its own files meanwhile.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, cast

import numpy as np

from bot.index.layout import CHUNK_COLLECTION, SENTENCE_COLLECTION
from bot.index.records import Chunk

if TYPE_CHECKING:
    from chromadb.api.types import Where

# Where the ``bot`` package is, for the child to import it from wherever the ingest runs.
_PROJECT = str(Path(__file__).resolve().parents[2])

_CLOSED = "closed"
# Chroma saves a collection's HNSW index once this many writes have reached it since the
# last save, and replays the writes since then from its log each time the index loads.
# With its default (1,000), a one-note re-ingest at 66× replayed about 1,600 records, 2
# CPU-seconds; saving after each request (25–45 ms at 66×) leaves nothing to replay.
_PERSIST_EVERY = 1
# Deleting an id no passage has still loads the collection's index: it is loaded while
# the ingest embeds, even when no passage is stale (a note added).
_NO_SUCH_ID = "-"
# A locked SQLite file is tried again this many times, after 0.1 s, 0.2 s… (4.5 s in all).
_LOCKED_ATTEMPTS = 10
_LOCKED_PAUSE = 0.1


class ChromaWriteError(RuntimeError):
    """The child process writing Chroma failed (its own error is on stderr)."""


class ChromaWriter:
    """Sends a generation's writes to the child process that makes them."""

    def __init__(self, generation: Path, stale_ids: list[str]) -> None:
        path = os.pathsep.join(filter(None, [_PROJECT, os.environ.get("PYTHONPATH")]))
        self._process = subprocess.Popen(
            [sys.executable, "-m", __name__, str(generation)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": path},
        )
        self._outbox: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._broken = False
        self._sender = threading.Thread(target=self._send_all, name="chroma-writer", daemon=True)
        self._sender.start()
        self._send(("delete", stale_ids))

    def add(
        self, chunks: list[Chunk], vectors: np.ndarray, sentence_rows: list[np.ndarray]
    ) -> None:
        """Store ``chunks`` with their vectors and each of their sentences with its own."""
        self._send(
            (
                "upsert",
                CHUNK_COLLECTION,
                [chunk.id for chunk in chunks],
                vectors,
                [chunk.text for chunk in chunks],
                [chunk.metadata() for chunk in chunks],
            )
        )
        sentences = [
            (f"{chunk.id}:{number}", chunk.id, text)
            for chunk in chunks
            for number, text in enumerate(chunk.sentence_texts())
        ]
        if sentences:
            self._send(
                (
                    "upsert",
                    SENTENCE_COLLECTION,
                    [sentence_id for sentence_id, _, _ in sentences],
                    np.concatenate(sentence_rows),
                    [text for _, _, text in sentences],
                    [{"chunk_id": chunk_id} for _, chunk_id, _ in sentences],
                )
            )

    def close(self) -> None:
        """Wait until every write is on disk; raises :class:`ChromaWriteError` if one failed."""
        self._send(("close",))
        self._stop_sending()
        if self._broken:
            code = self._stopped()
            raise ChromaWriteError(f"the Chroma writer stopped (exit code {code})")
        try:
            reply = pickle.load(cast(BinaryIO, self._process.stdout))
        except EOFError:
            reply = None
        code = self._stopped()
        if reply != _CLOSED or code != 0:
            raise ChromaWriteError(f"the Chroma writer stopped (exit code {code})")

    @property
    def exit_code(self) -> int | None:
        """The child's exit status once it has stopped (negative: killed by that signal)."""
        return self._process.returncode

    def kill(self) -> None:
        self._process.kill()
        self._stop_sending()
        self._stopped()

    def _stopped(self) -> int:
        """The child's exit status, once it has stopped and its pipes are closed."""
        for pipe in (self._process.stdin, self._process.stdout):
            if pipe is not None:
                # Unsent bytes left for a child that is gone cannot be flushed.
                with contextlib.suppress(BrokenPipeError):
                    pipe.close()
        return self._process.wait()

    def _send(self, request: tuple[Any, ...]) -> None:
        self._outbox.put(pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL))

    def _stop_sending(self) -> None:
        """Wait until every request is sent (or the child is gone)."""
        self._outbox.put(None)
        self._sender.join()

    def _send_all(self) -> None:
        """The sending thread: write each request to the child until told to stop."""
        stdin = cast(BinaryIO, self._process.stdin)
        while (message := self._outbox.get()) is not None:
            if self._broken:
                continue  # the child is gone: what is left is dropped
            try:
                stdin.write(message)
                stdin.flush()
            except BrokenPipeError:
                self._broken = True


@contextmanager
def writing_chroma(generation: Path, stale_ids: list[str]) -> Iterator[ChromaWriter]:
    """A :class:`ChromaWriter` for ``generation``, closed at the end of the block (killed
    if the block raises)."""
    writer = ChromaWriter(generation, stale_ids)
    try:
        yield writer
    except BaseException:
        writer.kill()
        raise
    writer.close()


def _serve(generation: Path, requests: BinaryIO, replies: BinaryIO) -> None:
    """The child: make each request read from ``requests`` until asked to close."""
    from bot.index.chroma import open_collections

    with open_collections(generation) as collections:
        by_name = {CHUNK_COLLECTION: collections.chunks, SENTENCE_COLLECTION: collections.sentences}
        for collection in by_name.values():
            # Set before the index loads, which reads it (see _PERSIST_EVERY).
            configuration: Any = {"hnsw": {"sync_threshold": _PERSIST_EVERY}}
            _while_locked(collection.modify, configuration=configuration)
        while True:
            try:
                request = pickle.load(requests)
            except EOFError:  # the ingest is gone (killed): its generation is never published
                return
            if request[0] == "delete":
                stale = request[1] or [_NO_SUCH_ID]
                _while_locked(collections.chunks.delete, ids=stale)
                where = cast("Where", {"chunk_id": {"$in": stale}})
                _while_locked(collections.sentences.delete, where=where)
            elif request[0] == "upsert":
                _, name, ids, vectors, documents, metadatas = request
                _while_locked(
                    by_name[name].upsert,
                    ids=ids,
                    embeddings=vectors,
                    documents=documents,
                    metadatas=metadatas,
                )
            else:
                break
    pickle.dump(_CLOSED, replies)
    replies.flush()


def _while_locked(write: Callable[..., object], **arguments: Any) -> None:
    """Call ``write(**arguments)``, again while Chroma's SQLite file is locked.

    Chroma's own background work holds the file's write lock for a moment after it
    opens, so a first write can meet « database is locked » on a busy machine.
    """
    for attempt in range(_LOCKED_ATTEMPTS):
        try:
            write(**arguments)
            return
        except Exception as error:  # chromadb.errors.InternalError, by its message
            if "database is locked" not in str(error) or attempt == _LOCKED_ATTEMPTS - 1:
                raise
            time.sleep(_LOCKED_PAUSE * (attempt + 1))


if __name__ == "__main__":
    # Ctrl-C reaches the whole process group: the ingest decides, and kills this process.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Replies go on a copy of stdout; anything else written to stdout (by Python or by
    # Chroma's native code) lands on stderr instead of in the middle of a reply.
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    _serve(Path(sys.argv[1]), sys.stdin.buffer, replies)
