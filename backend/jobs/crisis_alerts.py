"""Crisis alerts by e-mail: a counsellor hears of a crisis flag within a minute, without having
the dashboard open.

Every ALERT_EVERY_SECONDS the backend looks for crisis flags whose e-mail has not gone out,
claims each one (so that two backends never send the same alert twice), and sends it through
the SMTP server of SMTP_URL with aiosmtplib. A mail that fails is released and tried again in the
next round. The mail holds no client content, not even a name: only that a flag waits on the
dashboard, and the link to the client's page, behind the counsellor's login. A flag whose
counsellor has no account any more goes to ALERT_FALLBACK_EMAIL, the organisation's address.
Without SMTP_URL the alerts are off, and the status page says so.
"""
from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from email.message import EmailMessage
from typing import AsyncIterator, List, Optional
from urllib.parse import unquote, urlsplit

import aiosmtplib
from aiohttp import web
from sqlalchemy import select, update

from backend import db
from backend.config import CONFIG, Config, ConfigError
from backend.jobs import leases
from backend.tables import Client, Counsellor, Flag, utcnow

logger = logging.getLogger(__name__)

ALERT_EVERY_SECONDS = 15
FIRST_ALERT_SECONDS = 2
SMTP_TIMEOUT_SECONDS = 20
SUBJECT = "Crisismelding in de loopbaanchat"


@dataclass(frozen=True)
class SmtpServer:
    hostname: str
    port: int
    username: Optional[str]
    password: Optional[str]
    use_tls: bool  # smtps:// (TLS from the start); smtp:// uses STARTTLS when the server offers it

    @classmethod
    def from_url(cls, url: str) -> "SmtpServer":
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ConfigError("SMTP_URL must look like smtp://user:password@host:587 or smtps://host:465")
        use_tls = parts.scheme == "smtps"
        return cls(
            hostname=parts.hostname,
            port=parts.port or (465 if use_tls else 25),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            use_tls=use_tls,
        )


def alert_mail(sender: str, recipient: str, link: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = SUBJECT
    message.set_content(
        "Dag,\n\n"
        "Een van je cliënten gaf in de loopbaanchat een signaal van crisis. De chatbot gaf de "
        "hulplijnen (1813, 106, 112) en zette een melding in het dossier.\n\n"
        f"Bekijk de melding zo snel mogelijk op het dashboard (na het aanmelden):\n{link}\n\n"
        "Deze e-mail bevat bewust geen naam en geen berichten van de cliënt.\n"
    )
    return message


@dataclass(frozen=True)
class PendingAlert:
    flag_id: int
    client_id: int
    counsellor_email: Optional[str]


async def pending_alerts(sessions) -> List[PendingAlert]:
    async with sessions() as s:
        rows = await s.execute(
            select(Flag.id, Client.id, Counsellor.email)
            .join(Client, Client.id == Flag.client_id)
            .outerjoin(Counsellor, Counsellor.id == Client.counsellor_id)
            .where(Flag.kind == "crisis", Flag.alerted_at.is_(None))
            .order_by(Flag.id)
        )
        return [PendingAlert(*row) for row in rows]


async def _claim(sessions, flag_id: int) -> bool:
    """Marks the flag as alerted; True when this call did it (and no other backend)."""
    async with sessions() as s:
        result = await s.execute(
            update(Flag).where(Flag.id == flag_id, Flag.alerted_at.is_(None)).values(alerted_at=utcnow())
        )
        await s.commit()
        return result.rowcount == 1


async def _release(sessions, flag_id: int) -> None:
    """The mail did not go out: the next round tries again."""
    async with sessions() as s:
        await s.execute(update(Flag).where(Flag.id == flag_id).values(alerted_at=None))
        await s.commit()


async def send_due_alerts(sessions, config: Config) -> int:
    """Sends the e-mail of every crisis flag that has none yet; returns how many were sent."""
    server = SmtpServer.from_url(config.smtp_url or "")
    sent = 0
    for alert in await pending_alerts(sessions):
        recipient = alert.counsellor_email or config.alert_fallback_email
        if recipient is None:
            logger.error("crisis flag %d has no counsellor and ALERT_FALLBACK_EMAIL is not set", alert.flag_id)
            continue
        if not await _claim(sessions, alert.flag_id):
            continue  # another backend sends this one
        link = f"{config.public_url}/clients/{alert.client_id}"
        try:
            await aiosmtplib.send(
                alert_mail(config.smtp_from, recipient, link),
                hostname=server.hostname, port=server.port, username=server.username,
                password=server.password, use_tls=server.use_tls, timeout=SMTP_TIMEOUT_SECONDS,
            )
        except (aiosmtplib.SMTPException, OSError):
            logger.warning("crisis alert for flag %d not sent; tried again soon", alert.flag_id, exc_info=True)
            await _release(sessions, alert.flag_id)
            continue
        sent += 1
        logger.info("crisis alert for flag %d sent", alert.flag_id)
    return sent


def alerts_configured(config: Config) -> bool:
    return bool(config.smtp_url)


async def alerts_ctx(app: web.Application) -> AsyncIterator[None]:
    config = app[CONFIG]
    if not alerts_configured(config):
        logger.info("crisis alerts by e-mail are off: SMTP_URL is not set")
        yield
        return
    SmtpServer.from_url(config.smtp_url)  # a malformed SMTP_URL stops the start, with its reason
    step = functools.partial(send_due_alerts, app[db.SESSIONMAKER], config)
    async with leases.in_background(
        leases.repeat(step, every=ALERT_EVERY_SECONDS, first_after=FIRST_ALERT_SECONDS, what="crisis alerts")
    ):
        yield
