"""Meetings: calendar sources → schedule → agenda → subscriptions → reminders.

``sources`` reads ``.ics`` files and URLs, ``schedule`` expands them into
:class:`~bot.meetings.schedule.Occurrence` objects, ``agenda`` serves queries,
``subscriptions`` stores who follows which group, ``reminders`` computes and
delivers reminders exactly once (see its docstring for the precise guarantee).
"""
