"""Running the assistant as a service: health and metrics, JSON logs, backups.

Nothing here imports ``telegram``: the Telegram adapter plugs its own checks in
(``bot/telegram/health.py``) and feeds the counters through :mod:`bot.ops.metrics`.
"""
