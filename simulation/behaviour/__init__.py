"""Mechanisms that more than one phase uses.

``attention`` (what an organisation can give, shared across its alliances), ``commitment``
(each member's own satisfaction and commitment), ``production`` (what an alliance
produces and what each member gets back), ``governance`` (the three forms of Provan &
Kenis and their costs and benefits) and ``endings`` (how alliances end, well or badly).
Each is a set of functions over arrays; the phases call them and the model applies what
they decide.
"""
