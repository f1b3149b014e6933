"""A stand-in for Telegram's Bot API (api.telegram.org) on localhost: it answers the methods
our channel calls and records every call, so a test sees exactly what would have been sent.
Rasa's channel is pointed at it with TELEGRAM_API_URL; nothing goes to Telegram's servers."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Optional
from urllib.parse import parse_qsl

BOT_USERNAME = "LoopbaanTestBot"
TOKEN = "123456789:AAFake-token_for_tests_only_0123456789"


class FakeTelegram:
    def __init__(self) -> None:
        self.calls: List[Dict[str, Any]] = []
        self._lock = threading.Lock()
        self._next_message_id = 1
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8") if length else ""
                kind = self.headers.get("Content-Type", "")
                if "json" in kind:
                    params = json.loads(raw or "{}")
                else:
                    params = dict(parse_qsl(raw, keep_blank_values=True))
                method = self.path.rsplit("/", 1)[-1]
                body = json.dumps({"ok": True, "result": fake._answer(method, params)}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _answer(self, method: str, params: Dict[str, Any]) -> Any:
        with self._lock:
            self.calls.append({"method": method, "params": params, "at": time.time()})
            if method == "getMe":
                return {"id": 123456789, "is_bot": True, "first_name": "Loopbaan", "username": BOT_USERNAME}
            if method == "sendMessage":
                message_id = self._next_message_id
                self._next_message_id += 1
                return {
                    "message_id": message_id,
                    "date": int(time.time()),
                    "chat": {"id": int(params.get("chat_id", 0)), "type": "private"},
                    "text": params.get("text", ""),
                }
            return True

    def __enter__(self) -> "FakeTelegram":
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=10)

    # What the bot sent

    def sent(self, chat_id: Optional[int] = None) -> List[Dict[str, Any]]:
        with self._lock:
            return [
                dict(call["params"], reply_markup=json.loads(call["params"]["reply_markup"]) if call["params"].get("reply_markup") else None)
                for call in self.calls
                if call["method"] == "sendMessage" and (chat_id is None or str(call["params"].get("chat_id")) == str(chat_id))
            ]

    def methods(self) -> List[str]:
        with self._lock:
            return [call["method"] for call in self.calls]

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 60.0, interval: float = 0.2) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(interval)
        return predicate()


class UpdateFactory:
    """Real Telegram update JSON, as the Bot API posts it to a webhook."""

    def __init__(self) -> None:
        self._update_id = 700_000_000
        self._message_id = 1

    def _ids(self) -> tuple:
        self._update_id += 1
        self._message_id += 1
        return self._update_id, self._message_id

    @staticmethod
    def user(telegram_id: int) -> Dict[str, Any]:
        return {"id": telegram_id, "is_bot": False, "first_name": "Anaïs", "language_code": "nl"}

    def text(self, telegram_id: int, text: str, chat_type: str = "private") -> Dict[str, Any]:
        update_id, message_id = self._ids()
        chat = {"id": telegram_id, "first_name": "Anaïs", "type": chat_type}
        if chat_type != "private":
            chat = {"id": -telegram_id, "title": "Familie", "type": chat_type}
        message: Dict[str, Any] = {
            "message_id": message_id,
            "from": self.user(telegram_id),
            "chat": chat,
            "date": int(time.time()),
            "text": text,
        }
        if text.startswith("/"):
            message["entities"] = [{"offset": 0, "length": len(text.split()[0]), "type": "bot_command"}]
        return {"update_id": update_id, "message": message}

    def button(self, telegram_id: int, data: str) -> Dict[str, Any]:
        update_id, message_id = self._ids()
        return {
            "update_id": update_id,
            "callback_query": {
                "id": f"cb{update_id}",
                "from": self.user(telegram_id),
                "message": {
                    "message_id": message_id,
                    "from": {"id": 123456789, "is_bot": True, "first_name": "Loopbaan", "username": BOT_USERNAME},
                    "chat": {"id": telegram_id, "first_name": "Anaïs", "type": "private"},
                    "date": int(time.time()),
                    "text": "(het bericht met de knoppen)",
                },
                "chat_instance": "-5555",
                "data": data,
            },
        }

    def photo(self, telegram_id: int) -> Dict[str, Any]:
        update_id, message_id = self._ids()
        return {
            "update_id": update_id,
            "message": {
                "message_id": message_id,
                "from": self.user(telegram_id),
                "chat": {"id": telegram_id, "first_name": "Anaïs", "type": "private"},
                "date": int(time.time()),
                "photo": [{"file_id": "AgAD", "file_unique_id": "AQAD", "width": 90, "height": 90}],
            },
        }
