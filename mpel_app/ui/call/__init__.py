"""The call agent's screen in small parts: one section widget per step of a call, a controller, and the typed values.

``ui/call_view.CallView`` assembles them; see its docstring for how the
screen reads.  Each module here owns its widgets, their accessible names
and (for ``keys``) the screen's shortcuts, and has its own tests in
``tests/ui/call/``.
"""
