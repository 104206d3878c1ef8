"""The dispatcher: threads that claim due deliveries from the outbox and send them. It runs
in the service process (beside the job runner) and in `ecoleads worker`; any number of
processes share the outbox (claims: models/queue.py). Delivery is at least once: a process
stopped mid-send leaves a hold that expires, and the message is sent again with the same
webhook-id, by which receivers recognise it."""

import logging
import threading

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from app.services.jobs import worker_name
from app.services.webhooks.delivery import is_due, load_message, record, send
from app.settings import Settings
from models.base import utcnow
from models.queue import claim_delivery

log = logging.getLogger("ecoleads.webhooks")


class Dispatcher:
    """webhook_dispatchers threads sending due deliveries until stopped."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        write_sessions: sessionmaker[Session],
        settings: Settings,
    ) -> None:
        self.name = worker_name()
        self._sessions = sessions
        self._write = write_sessions
        self._settings = settings
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self.run, name=f"webhooks-{i}", daemon=True)
            for i in range(settings.webhook_dispatchers)
        ]

    def lease_s(self) -> float:
        """How long a claim holds: a send may try several addresses, each within the
        timeout per phase (connect, write, read)."""
        return 6 * self._settings.webhook_timeout_s + 30

    def send_one(self) -> bool:
        """Claim, send and record one due delivery; False if none was due."""
        with self._sessions() as session:  # a read first: no writer's lock while idle
            if not is_due(session, utcnow()):
                return False
        with self._write.begin() as session:
            delivery_id = claim_delivery(
                session, worker=self.name, now=utcnow(), lease_s=self.lease_s()
            )
        if delivery_id is None:
            return False
        with self._sessions() as session:
            message = load_message(session, delivery_id)
        if message is None:
            return True
        attempt = send(message, self._settings)
        with self._write.begin() as session:
            status = record(
                session, message=message, worker=self.name, attempt=attempt, settings=self._settings
            )
        log.info(
            "webhook attempt",
            extra={
                "message_id": message.message_id,
                "status_code": attempt.status_code,
                "error": attempt.error,
                "delivery_status": status,
            },
        )
        return True

    def run(self) -> None:
        """Send due deliveries until stopped; poll when none is due."""
        while not self._stop.is_set():
            try:
                sent = self.send_one()
            except SQLAlchemyError as exc:  # database away or busy: try again later
                log.warning("webhook outbox unavailable", extra={"error": str(exc)})
                sent = False
            if not sent:
                self._stop.wait(self._settings.webhook_poll_s)

    def start(self) -> None:
        """Start the threads."""
        for t in self._threads:
            t.start()

    def stop(self) -> None:
        """Take no more deliveries and wait for the sends under way."""
        self._stop.set()
        for t in self._threads:
            t.join(self.lease_s())


def start_dispatcher(
    settings: Settings, sessions: sessionmaker[Session], write_sessions: sessionmaker[Session]
) -> Dispatcher | None:
    """Start a dispatcher unless the settings turn it off."""
    if not settings.webhook_dispatcher:
        return None
    dispatcher = Dispatcher(sessions, write_sessions, settings)
    dispatcher.start()
    return dispatcher
