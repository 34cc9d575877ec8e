"""CUF member assistant: sourced answers, meetings and funding schemes.

The core (everything outside ``bot.telegram``) knows nothing of Telegram; the
composition root is :func:`bot.app.build_services`.
"""
