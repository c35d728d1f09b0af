"""One colour per lifecycle phase, shared by the app, the reports and the docs.

Okabe-Ito colours with a vermilion for transforming: distinguishable with every common
colour-vision deficiency (the app's tests check it).
"""

#: Colour of each living phase, by name, in lifecycle order.
PHASE_COLOURS: dict[str, str] = {
    "forming": "#E69F00",
    "founding": "#0072B2",
    "evolving": "#009E73",
    "transforming": "#CC3311",
}
#: Organisations in no alliance.
UNALLIED_COLOUR = "#BBBBBB"
