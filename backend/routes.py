"""The whole URL map."""
from pathlib import Path

from aiohttp import web

from backend import api, dashboard, status

STATIC_DIR = Path(__file__).resolve().parent / "static"


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
    add.add_post("/api/v1/chats/{chat_id}/actions", api.post_action)
    add.add_get("/api/v1/chats/{chat_id}/actions", api.list_actions)
    add.add_patch(r"/api/v1/chats/{chat_id}/actions/{action_id:\d{1,18}}", api.patch_action)
    add.add_post("/api/v1/chats/{chat_id}/mood", api.post_mood)
    add.add_post("/api/v1/chats/{chat_id}/flags", api.post_flag)

    # Counsellor dashboard.
    add.add_get("/login", dashboard.login_form)
    add.add_post("/login", dashboard.login)
    add.add_post("/logout", dashboard.logout)
    add.add_get("/", dashboard.client_list)
    add.add_get(r"/clients/{client_id:\d{1,18}}", dashboard.client_detail)
    add.add_get("/status", status.status_page)
    add.add_static("/static", STATIC_DIR)
