"""The whole URL map. Pages and redirects build their links from the route names
(backend.web.urls.url_for in Python, `url(...)` in the templates), never by hand."""
from pathlib import Path

from aiohttp import web

from backend.chat import own_dossier, page, page_api, telegram
from backend.dashboard import auth, client_admin, own_account, pages, trajectory
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
    add.add_get(chat_page, page.chat_page, name="chat")
    add.add_post(chat_page + "/open", page.open_chat, name="chat_open")
    add.add_get(chat_page + "/history", page_api.history, name="chat_history")
    add.add_get(chat_page + "/mijn-gegevens.json", page_api.download_dossier, name="chat_own_data")
    add.add_get(chat_page + "/session", page_api.session_token, name="chat_session")
    add.add_post(chat_page + "/visit", page_api.visit, name="chat_visit")
    add.add_post(chat_page + "/telegram/code", page_api.telegram_code, name="chat_telegram_code")
    add.add_post(chat_page + "/telegram/unlink", page_api.telegram_unlink, name="chat_telegram_unlink")
    add.add_post(chat_page + "/device/code", page_api.device_code, name="chat_device_code")
    # The client's own dossier page ('Meer' > 'Mijn dossier'): read, correct, remove, share, erase.
    dossier = chat_page + "/mijn-dossier"
    item = dossier + r"/{kind:%s}/{item_id:\d{1,18}}" % own_dossier.KIND_PATTERN
    add.add_get(dossier, own_dossier.dossier_page, name="own_dossier")
    add.add_post(item + "/aanpassen", own_dossier.correct, name="own_dossier_correct")
    add.add_post(item + "/verwijderen", own_dossier.remove, name="own_dossier_remove")
    add.add_post(dossier + r"/actie/{item_id:\d{1,18}}/gedaan", own_dossier.action_done, name="own_dossier_done")
    add.add_post(dossier + "/gesprek-delen", own_dossier.transcript_sharing, name="own_dossier_sharing")
    add.add_get(dossier + "/alles-wissen", own_dossier.erase_confirmation, name="own_dossier_erase")
    add.add_post(dossier + "/alles-wissen", own_dossier.erase)
    # Before /static: served from web/node_modules, not from backend/static.
    add.add_get("/static/vendor/socket.io.min.js", page.socket_io_client, name="socket_io_client")

    # Counsellor auth.
    add.add_get("/login", auth.login_form, name="login")
    add.add_post("/login", auth.login)
    add.add_post("/logout", auth.logout, name="logout")
    add.add_get("/", pages.client_list, name="client_list")
    add.add_get("/wachtwoord", own_account.password_form, name="password")
    add.add_post("/wachtwoord", own_account.change_password)
    add.add_get("/clients/nieuw", client_admin.new_client_form, name="client_new")
    add.add_post("/clients/nieuw", client_admin.create_client)
    client = r"/clients/{client_id:\d{1,18}}"
    add.add_get(client, pages.client_detail, name="client")
    add.add_post(client + "/homework", pages.add_homework, name="client_homework")
    add.add_post(client + "/notes", pages.add_note, name="client_notes")
    add.add_post(client + "/retention", pages.set_retention, name="client_retention")
    add.add_post(client + r"/flags/{flag_id:\d{1,18}}/resolve", pages.resolve_flag, name="client_flag_resolve")
    add.add_get(client + "/uitnodiging", client_admin.invitation, name="client_invitation")
    add.add_get(client + "/nieuwe-link", client_admin.new_link_confirmation, name="client_new_link")
    add.add_post(client + "/nieuwe-link", client_admin.new_link)
    add.add_get(client + "/afsluiten", trajectory.end_form, name="client_end")
    add.add_post(client + "/afsluiten", trajectory.end)
    add.add_post(client + "/heropenen", trajectory.reopen, name="client_reopen")
    add.add_get(client + "/overdragen", trajectory.hand_over_form, name="client_hand_over")
    add.add_post(client + "/overdragen", trajectory.hand_over_client)
    add.add_get(client + "/pop", pages.pop_page, name="client_pop")
    add.add_get(client + "/pop.docx", pages.pop_docx, name="client_pop_docx")
    add.add_get("/status", status.status_page, name="status")
    add.add_static("/static", STATIC_DIR, name="static")
