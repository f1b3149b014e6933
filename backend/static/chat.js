/* The client's chat page: earlier messages from the backend, then Rasa's socket.io channel.
   The chat id is the socket.io session id (Rasa's session_persistence): a reload or a visit
   the next day continues the same conversation. No inline scripts: the page's CSP forbids them. */
(function () {
  "use strict";

  var root = document.getElementById("chat");
  if (!root) { return; }
  var base = root.dataset.base;
  var sessionId = root.dataset.session;
  var csrf = root.dataset.csrf;
  var log = document.getElementById("log");
  var choices = document.getElementById("choices");
  var form = document.getElementById("composer");
  var input = document.getElementById("message");
  var sendButton = document.getElementById("send");
  var statusLine = document.getElementById("status");
  var connected = false;
  var visited = false;
  var lastDay = null;

  var timeFormat = new Intl.DateTimeFormat("nl-BE", { hour: "2-digit", minute: "2-digit" });
  var dayFormat = new Intl.DateTimeFormat("nl-BE", { weekday: "long", day: "numeric", month: "long" });

  function setStatus(text) { statusLine.textContent = text; }

  function setConnected(on) {
    connected = on;
    input.disabled = !on;
    sendButton.disabled = !on;
    Array.prototype.forEach.call(choices.querySelectorAll("button"), function (b) { b.disabled = !on; });
  }

  function dayLabel(date) {
    var today = new Date();
    var yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1);
    if (date.toDateString() === today.toDateString()) { return "Vandaag"; }
    if (date.toDateString() === yesterday.toDateString()) { return "Gisteren"; }
    return dayFormat.format(date);
  }

  function addDaySeparator(date) {
    var key = date.toDateString();
    if (key === lastDay) { return; }
    lastDay = key;
    var li = document.createElement("li");
    li.className = "day";
    li.textContent = dayLabel(date);
    log.appendChild(li);
  }

  function addMessage(who, text, at) {
    var date = at ? new Date(at) : new Date();
    addDaySeparator(date);
    var li = document.createElement("li");
    li.className = "msg " + (who === "client" ? "mine" : "bot");
    var label = document.createElement("span");
    label.className = "sr-only";
    label.textContent = who === "client" ? "Jij: " : "Chatbot: ";
    var body = document.createElement("p");
    body.textContent = text;
    var time = document.createElement("time");
    time.dateTime = date.toISOString();
    time.textContent = timeFormat.format(date);
    li.appendChild(label);
    li.appendChild(body);
    li.appendChild(time);
    log.appendChild(li);
    log.scrollTop = log.scrollHeight;
  }

  function addNotice(text) {
    var li = document.createElement("li");
    li.className = "notice-line";
    li.textContent = text;
    log.appendChild(li);
  }

  function addBotText(text, at) {
    // Rasa's socket.io channel sends a text with blank lines as separate messages; do the same
    // for the earlier messages, so a reload shows what the client saw.
    String(text || "").split("\n\n").forEach(function (part) {
      if (part.trim()) { addMessage("bot", part, at); }
    });
  }

  function showChoices(buttons) {
    choices.textContent = "";
    if (!buttons || !buttons.length) { choices.hidden = true; return; }
    buttons.forEach(function (button) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = button.title;
      b.disabled = !connected;
      b.addEventListener("click", function () {
        send(button.payload, button.title);
        input.focus();
      });
      choices.appendChild(b);
    });
    choices.hidden = false;
    log.scrollTop = log.scrollHeight;
  }

  function send(message, shown) {
    if (!connected || !message.trim()) { return; }
    addMessage("client", shown || message);
    showChoices(null);
    socket.emit("user_uttered", { message: message, session_id: sessionId });
  }

  function post(path, retried) {
    var body = new URLSearchParams({ csrf_token: csrf });
    return fetch(base + path, { method: "POST", body: body, credentials: "same-origin" }).then(function (response) {
      if (response.status === 403 && !retried) {
        // The page outlived its session: fetch a fresh form token and try once more.
        return fetch(base + "/session", { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : Promise.reject(r); })
          .then(function (data) { csrf = data.csrf_token; return post(path, true); });
      }
      return response.ok ? response.json() : Promise.reject(response);
    });
  }

  // Earlier messages first, then the live channel.
  fetch(base + "/history", { credentials: "same-origin" })
    .then(function (response) { return response.ok ? response.json() : Promise.reject(response); })
    .then(function (data) {
      var pending = null;
      (data.messages || []).forEach(function (m) {
        if (m.who === "bot") { addBotText(m.text, m.at); } else { addMessage("client", m.text, m.at); }
        pending = m.buttons || null;
      });
      showChoices(pending);
    })
    .catch(function () { addNotice("De eerdere berichten kunnen nu niet geladen worden. Je kunt wel gewoon verder chatten."); });

  /* global io */
  // Rasa's channel wants a signed chat token at every (re)connection; the backend gives one to
  // this device only (a token lives for hours, a page can stay open for days).
  function withChatToken(callback) {
    fetch(base + "/session", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r); })
      .then(function (data) { csrf = data.csrf_token; callback({ token: data.chat_token }); })
      .catch(function () { callback({ token: "" }); });
  }

  var socket = io(root.dataset.socketOrigin, {
    path: root.dataset.socketPath,
    auth: withChatToken,
    // WebSocket only: Rasa's socket.io server runs without CORS headers, which long polling
    // from this page's origin would need.
    transports: ["websocket"],
    reconnectionDelayMax: 10000
  });

  socket.on("connect", function () {
    socket.emit("session_request", { session_id: sessionId });
  });

  socket.on("session_confirm", function () {
    setConnected(true);
    setStatus("Verbonden. Je kunt typen.");
    if (!visited) {
      visited = true;
      post("/visit").catch(function () { /* a reminder can wait until the next visit */ });
    }
  });

  socket.on("disconnect", function () {
    setConnected(false);
    setStatus("Geen verbinding. We proberen opnieuw te verbinden…");
  });

  socket.on("connect_error", function () {
    setConnected(false);
    setStatus("Geen verbinding met de chat. We proberen het opnieuw…");
  });

  socket.on("bot_uttered", function (message) {
    if (!message) { return; }
    if (message.text) { addBotText(message.text); }
    var buttons = message.quick_replies || message.buttons;
    if (buttons && buttons.length) { showChoices(buttons); }
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    if (!text.trim()) { return; }
    input.value = "";
    send(text);
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  // Another device
  var deviceButton = document.getElementById("device-code");
  var deviceResult = document.getElementById("device-result");
  if (deviceButton) {
    deviceButton.addEventListener("click", function () {
      deviceResult.textContent = "Even geduld…";
      post("/device/code").then(function (data) {
        deviceResult.textContent = "";
        var label = document.createElement("label");
        label.htmlFor = "device-url";
        label.textContent = "Open deze link op je andere toestel (werkt één keer, 15 minuten lang):";
        var field = document.createElement("input");
        field.id = "device-url";
        field.type = "text";
        field.readOnly = true;
        field.value = data.url;
        deviceResult.appendChild(label);
        deviceResult.appendChild(field);
        field.focus();
        field.select();
      }).catch(function () { deviceResult.textContent = "Dat lukte niet. Probeer het later opnieuw."; });
    });
  }

  // Telegram
  var telegramButton = document.getElementById("telegram-code");
  var telegramResult = document.getElementById("telegram-result");
  if (telegramButton) {
    telegramButton.addEventListener("click", function () {
      telegramResult.textContent = "Even geduld…";
      post("/telegram/code").then(function (data) {
        telegramResult.textContent = "";
        var p = document.createElement("p");
        p.appendChild(document.createTextNode("Je code is "));
        var code = document.createElement("strong");
        code.className = "code";
        code.textContent = data.code;
        p.appendChild(code);
        p.appendChild(document.createTextNode(". Stuur in Telegram aan @" + data.bot + " dit bericht: "));
        var command = document.createElement("code");
        command.textContent = data.command;
        p.appendChild(command);
        var link = document.createElement("a");
        link.href = data.link;
        link.rel = "noopener noreferrer";
        link.textContent = "Open Telegram met deze code";
        telegramResult.appendChild(p);
        telegramResult.appendChild(link);
      }).catch(function () { telegramResult.textContent = "Dat lukte niet. Probeer het later opnieuw."; });
    });
  }
  var unlinkButton = document.getElementById("telegram-unlink");
  if (unlinkButton) {
    unlinkButton.addEventListener("click", function () {
      post("/telegram/unlink").then(function () {
        document.getElementById("telegram-linked").hidden = true;
        document.getElementById("telegram-link").hidden = false;
        telegramResult.textContent = "Telegram is ontkoppeld. Berichten uit Telegram komen niet meer in je dossier.";
      }).catch(function () { telegramResult.textContent = "Dat lukte niet. Probeer het later opnieuw."; });
    });
  }
})();
