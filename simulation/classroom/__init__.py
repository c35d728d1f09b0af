"""The participatory classroom: students play organisations in one shared model, live.

``alliances classroom`` (``command``) serves the lecturer's screen and the student page
(``server``, ``static/``) over one round (``game``), checks every message (``protocol``),
and shows the debrief (``debrief``). Page texts are in ``strings``.
"""
