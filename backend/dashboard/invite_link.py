"""What the dashboard shows of a client's invite link: the address, whether a browser already
opened it, and its QR code as inline SVG markup (segno; no data: URL, no style attribute, so the
dashboard's CSP allows it). Only pages limited to the client's own counsellor call this."""
from __future__ import annotations

from dataclasses import dataclass

import segno
from aiohttp import web
from markupsafe import Markup
from sqlalchemy import select

from backend import db
from backend.config import CONFIG
from backend.dossier.accounts import invite_url
from backend.tables import ChatDevice, Client

# 4 pixels per module: about 150 px on screen and 4 cm on paper, easy for a phone camera.
QR_SCALE = 4


@dataclass(frozen=True)
class Invite:
    url: str
    used: bool  # a browser opened the chat with it: it opens nothing for anyone else any more
    qr_svg: Markup


def qr_svg(url: str) -> Markup:
    """The QR code of `url` as an <svg> element; its only text is our own address."""
    code = segno.make(url, error="m", micro=False)
    svg = code.svg_inline(
        scale=QR_SCALE, border=2, title="QR-code van de chatlink", svgclass="qr", lineclass="qr-line"
    )
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))


async def invite_of(request: web.Request, client: Client) -> Invite:
    async with db.session(request.app) as s:
        used = await s.scalar(
            select(ChatDevice.id).where(
                ChatDevice.client_id == client.id, ChatDevice.invite_token == client.invite_token
            ).limit(1)
        )
    url = invite_url(request.app[CONFIG].public_url, client.invite_token)
    return Invite(url=url, used=used is not None, qr_svg=qr_svg(url))
