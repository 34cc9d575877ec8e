"""The Telegram adapter: the only package that imports ``telegram``.

Each handler parses an update, calls one core service (in a worker thread when
it is heavy), renders the result as Telegram HTML and replies.
"""
