"""The whole URL map."""
from pathlib import Path

from aiohttp import web

from backend.chat import page, page_api, telegram
from backend.dashboard import auth, pages
from backend.dossier import api, erasure
from backend.reminders import settings_api
from backend.web import status

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


def setup_routes(app: web.Application) -> None:
    add = app.router
    # JSON API for the action server (docs/architecture.md); token checked in api's middleware.
    add.add_get("/api/v1/health", api.health)
    add.add_get("/api/v1/status", status.status_json)
    add.add_get("/api/v1/chats/{chat_id}", api.get_profile)
    add.add_put("/api/v1/chats/{chat_id}/consent", api.put_consent)
    add.add_post("/api/v1/chats/{chat_id}/insights", api.post_insight)
    add.add_get("/api/v1/chats/{chat_id}/insights", api.list_insights)
    add.add_get("/api/v1/chats/{chat_id}/summary", api.get_summary)
    add.add_put("/api/v1/chats/{chat_id}/topic", api.put_topic)
    add.add_put("/api/v1/chats/{chat_id}/address", api.put_address)
    add.add_post("/api/v1/chats/{chat_id}/contacts", api.post_contact)
    add.add_patch(r"/api/v1/chats/{chat_id}/contacts/{contact_id:\d{1,18}}", api.patch_contact)
    add.add_post("/api/v1/chats/{chat_id}/actions", api.post_action)
    add.add_get("/api/v1/chats/{chat_id}/actions", api.list_actions)
    add.add_patch(r"/api/v1/chats/{chat_id}/actions/{action_id:\d{1,18}}", api.patch_action)
    add.add_post("/api/v1/chats/{chat_id}/mood", api.post_mood)
    add.add_post("/api/v1/chats/{chat_id}/flags", api.post_flag)
    add.add_delete("/api/v1/chats/{chat_id}/data", erasure.delete_chat_data)

    # The client's channels: reminder wishes and Telegram links for the bot, the web chat page.
    add.add_get("/api/v1/chats/{chat_id}/reminders", settings_api.get_reminder_settings)
    add.add_put("/api/v1/chats/{chat_id}/reminders", settings_api.put_reminder_settings)
    add.add_get("/api/v1/chats/{chat_id}/telegram", telegram.get_telegram_of_chat)
    add.add_post("/api/v1/telegram/links", telegram.post_link)
    add.add_get("/api/v1/telegram/chats/{telegram_chat_id}", telegram.get_chat_of_telegram)
    chat_page = "/chat/{invite_token}"
    add.add_get(chat_page, page.chat_page)
    add.add_post(chat_page + "/open", page.open_chat)
    add.add_get(chat_page + "/history", page_api.history)
    add.add_get(chat_page + "/mijn-gegevens.json", page_api.download_dossier)
    add.add_get(chat_page + "/session", page_api.session_token)
    add.add_post(chat_page + "/visit", page_api.visit)
    add.add_post(chat_page + "/telegram/code", page_api.telegram_code)
    add.add_post(chat_page + "/telegram/unlink", page_api.telegram_unlink)
    add.add_post(chat_page + "/device/code", page_api.device_code)
    # Before /static: served from web/node_modules, not from backend/static.
    add.add_get("/static/vendor/socket.io.min.js", page.socket_io_client)

    # Counsellor auth.
    add.add_get("/login", auth.login_form)
    add.add_post("/login", auth.login)
    add.add_post("/logout", auth.logout)
    add.add_get("/", pages.client_list)
    client = r"/clients/{client_id:\d{1,18}}"
    add.add_get(client, pages.client_detail)
    add.add_post(client + "/homework", pages.add_homework)
    add.add_post(client + "/notes", pages.add_note)
    add.add_post(client + "/retention", pages.set_retention)
    add.add_post(client + r"/flags/{flag_id:\d{1,18}}/resolve", pages.resolve_flag)
    add.add_get(client + "/pop", pages.pop_page)
    add.add_get(client + "/pop.docx", pages.pop_docx)
    add.add_get("/status", status.status_page)
    add.add_static("/static", STATIC_DIR)
