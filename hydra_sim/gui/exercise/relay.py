"""Network callbacks to the GUI thread: the exercise core calls back on its own threads.

A ``Relay`` is created on the GUI thread; its ``emit_*`` methods may be called from any
thread (a server subscriber, a StationLink callback). A signal emitted from another thread
reaches slots of GUI-thread objects queued, so widgets are only ever touched on the GUI
thread. Must not import widgets; holds no rules.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class Relay(QObject):
    event = Signal(object)            # a server event (views.StationJoined, SyndicateUpdated, ...)
    command = Signal(object)          # a station's facilitator Command
    status = Signal(bool, str)        # a station link: connected, message
    update = Signal(object)           # a follower's SyndicateView
    seat_view = Signal(object)        # a pod's seat station: its seat's view (a dict)
    error = Signal(str)               # a refusal the facilitator sent

    def emit_event(self, event) -> None:
        self._emit(self.event, event)

    def emit_command(self, command) -> None:
        self._emit(self.command, command)

    def emit_status(self, connected: bool, message: str) -> None:
        try:
            self.status.emit(bool(connected), str(message))
        except RuntimeError:          # the window closed while the network thread was still reporting
            pass

    def emit_update(self, view) -> None:
        self._emit(self.update, view)

    def emit_seat_view(self, view) -> None:
        self._emit(self.seat_view, view)

    def emit_error(self, text: str) -> None:
        self._emit(self.error, str(text))

    @staticmethod
    def _emit(signal, value) -> None:
        try:
            signal.emit(value)
        except RuntimeError:          # the receiver is gone (window closed): nothing to show
            pass
