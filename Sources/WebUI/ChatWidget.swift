import Foundation
import HTTPServer

/// The citizen chat widget: one `<script src=".../chat/widget.js" defer></script>` on any
/// page of the district's website adds a chat button and window. The script loads its
/// stylesheet from its own origin and talks only to that origin's `/api/chat`; it sets no
/// cookies and keeps the conversation id in memory only.
///
/// Options on the script tag: `data-lang="en"` (interface language; default: the page's
/// `lang`), `data-open="true"` (open on load), `data-title="…"` (window title).
public enum ChatWidget {
    public static let script = StaticAsset(path: "/chat/widget.js", contentType: "text/javascript; charset=utf-8", contents: Data(javascript.utf8))
    public static let stylesheet = StaticAsset(path: "/chat/widget.css", contentType: "text/css; charset=utf-8", contents: Data(css.utf8))

    /// Served on both listeners (the intranet shows the widget on its chatbot page).
    public static var routes: [Route] { [script.route(exposure: .public), stylesheet.route(exposure: .public)] }

    static let javascript = #"""
    // Kreishaus chat widget. No dependencies, no cookies, no third parties.
    (function () {
      "use strict";
      var script = document.currentScript;
      if (!script || window.__kreishausChat) return;
      window.__kreishausChat = true;
      var origin = new URL(script.src, location.href).origin;
      var lang = (script.dataset.lang || document.documentElement.lang || "de").slice(0, 2).toLowerCase() === "en" ? "en" : "de";
      var T = {
        de: { open: "Fragen? Chat öffnen", close: "Chat schließen", title: "Bürger-Assistent", label: "Ihre Frage",
              placeholder: "z. B. Wie melde ich mein Auto an?", send: "Senden", you: "Sie", bot: "Assistent",
              hello: "Guten Tag! Stellen Sie Ihre Frage zu den Dienstleistungen der Kreisverwaltung. Bitte geben Sie keine persönlichen Daten ein.",
              helpful: "War die Antwort hilfreich?", yes: "Ja", no: "Nein", thanks: "Danke für Ihre Rückmeldung.",
              error: "Das hat leider nicht geklappt. Bitte versuchen Sie es später noch einmal.", busy: "Zu viele Anfragen. Bitte warten Sie einen Moment.",
              toolong: "Bitte höchstens 500 Zeichen.", options: "Bitte wählen Sie:", related: "Passende Themen:", thinking: "Einen Moment …" },
        en: { open: "Questions? Open chat", close: "Close chat", title: "Citizen assistant", label: "Your question",
              placeholder: "e.g. How do I register my car?", send: "Send", you: "You", bot: "Assistant",
              hello: "Hello! Ask your question about the services of the district administration. Please do not enter personal data.",
              helpful: "Was this answer helpful?", yes: "Yes", no: "No", thanks: "Thank you for your feedback.",
              error: "Sorry, that did not work. Please try again later.", busy: "Too many requests. Please wait a moment.",
              toolong: "Please use at most 500 characters.", options: "Please choose:", related: "Related topics:", thinking: "One moment …" }
      }[lang];
      var session = null;

      var link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = origin + "/chat/widget.css";
      document.head.appendChild(link);

      function el(tag, attrs, text) {
        var node = document.createElement(tag);
        for (var key in attrs || {}) node.setAttribute(key, attrs[key]);
        if (text) node.textContent = text;
        return node;
      }

      var root = el("div", { "class": "khc", lang: lang });
      var toggle = el("button", { type: "button", "class": "khc-toggle", "aria-expanded": "false", "aria-controls": "khc-window" }, T.open);
      var win = el("section", { id: "khc-window", "class": "khc-window", role: "dialog", "aria-modal": "false", "aria-labelledby": "khc-title", hidden: "" });
      var header = el("div", { "class": "khc-header" });
      var title = el("h2", { id: "khc-title", "class": "khc-title" }, script.dataset.title || T.title);
      var close = el("button", { type: "button", "class": "khc-close", "aria-label": T.close }, "×");
      header.appendChild(title);
      header.appendChild(close);
      var log = el("div", { "class": "khc-log", role: "log", "aria-live": "polite", "aria-relevant": "additions", tabindex: "0", "aria-label": T.title });
      var form = el("form", { "class": "khc-form" });
      var label = el("label", { "for": "khc-input", "class": "khc-label" }, T.label);
      var input = el("input", { id: "khc-input", type: "text", maxlength: "500", autocomplete: "off", placeholder: T.placeholder, required: "" });
      var send = el("button", { type: "submit", "class": "khc-send" }, T.send);
      form.appendChild(label);
      form.appendChild(input);
      form.appendChild(send);
      win.appendChild(header);
      win.appendChild(log);
      win.appendChild(form);
      root.appendChild(win);
      root.appendChild(toggle);

      function say(who, text, html) {
        var item = el("div", { "class": "khc-msg khc-" + who });
        item.appendChild(el("span", { "class": "khc-who" }, who === "user" ? T.you : T.bot));
        var body = el("div", { "class": "khc-body" });
        if (html) body.innerHTML = html; else body.textContent = text;  // html: sanitised by the server
        item.appendChild(body);
        log.appendChild(item);
        log.scrollTop = log.scrollHeight;
        return item;
      }

      function buttons(item, heading, list, onPick) {
        if (!list || !list.length) return;
        var group = el("div", { "class": "khc-options", role: "group", "aria-label": heading });
        group.appendChild(el("span", { "class": "khc-options-label" }, heading));
        list.forEach(function (entry) {
          var b = el("button", { type: "button", "class": "khc-option" }, entry.title);
          b.addEventListener("click", function () { onPick(entry); });
          group.appendChild(b);
        });
        item.appendChild(group);
      }

      function feedback(item, id) {
        var box = el("div", { "class": "khc-feedback", role: "group", "aria-label": T.helpful });
        box.appendChild(el("span", {}, T.helpful + " "));
        [[true, T.yes], [false, T.no]].forEach(function (pair) {
          var b = el("button", { type: "button", "class": "khc-fb" }, pair[1]);
          b.addEventListener("click", function () {
            post("/api/chat/feedback", { id: id, helpful: pair[0] }).then(function () {
              box.textContent = T.thanks;
            }, function () { box.textContent = T.error; });
          });
          box.appendChild(b);
        });
        item.appendChild(box);
      }

      function post(path, body) {
        return fetch(origin + path, {
          method: "POST", credentials: "omit", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body)
        }).then(function (response) {
          if (response.status === 204) return {};
          return response.json().then(function (data) {
            if (!response.ok) { var e = new Error(data && data.error ? data.error.message : response.status); e.status = response.status; throw e; }
            return data;
          });
        });
      }

      function ask(message, choice) {
        var pending = say("bot", T.thinking);
        pending.setAttribute("aria-busy", "true");
        send.disabled = true;
        var body = { message: message };  // the server detects the language of each question
        if (session) body.session = session;
        if (choice) body.choice = choice;
        post("/api/chat", body).then(function (reply) {
          log.removeChild(pending);
          session = reply.session;
          var item = say("bot", reply.answer, reply.html);
          buttons(item, T.options, reply.options, function (o) { say("user", o.title); ask(o.title, o.intent); });
          buttons(item, T.related, reply.suggestions, function (o) { say("user", o.title); ask(o.title, o.intent); });
          if (reply.kind !== "clarify") feedback(item, reply.id);
        }, function (error) {
          log.removeChild(pending);
          say("bot", error.status === 429 ? T.busy : (error.status && error.message) || T.error);
        }).then(function () { send.disabled = false; });
      }

      // moveFocus: only when the citizen opened or closed the chat, never on page load.
      function setOpen(open, moveFocus) {
        win.hidden = !open;
        root.classList.toggle("khc-open", open);
        toggle.setAttribute("aria-expanded", String(open));
        toggle.textContent = open ? T.close : T.open;
        if (open && !log.childNodes.length) say("bot", T.hello);
        if (moveFocus) (open ? input : toggle).focus();
      }

      toggle.addEventListener("click", function () { setOpen(win.hidden, true); });
      close.addEventListener("click", function () { setOpen(false, true); });
      win.addEventListener("keydown", function (event) { if (event.key === "Escape") setOpen(false, true); });
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var message = input.value.trim();
        if (!message) return;
        if (message.length > 500) { say("bot", T.toolong); return; }
        input.value = "";
        say("user", message);
        ask(message);
      });

      function mount() {
        document.body.appendChild(root);
        // Opened on load only where there is room next to the page (not on phones).
        if (script.dataset.open === "true" && window.matchMedia("(min-width: 481px)").matches) setOpen(true, false);
      }
      if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
    })();
    """#

    static let css = """
    .khc { --khc-accent: #0b4f8a; --khc-text: #1a1a1a; --khc-bg: #ffffff; --khc-soft: #eef3f8; font: 16px/1.45 system-ui, sans-serif; color: var(--khc-text); }
    .khc * { box-sizing: border-box; }
    .khc-toggle { position: fixed; right: 1rem; bottom: 1rem; z-index: 2147483000; padding: .75rem 1.1rem; border: 2px solid #fff;
      border-radius: 2rem; background: var(--khc-accent); color: #fff; font: inherit; font-weight: 600; cursor: pointer; box-shadow: 0 2px 8px rgba(0,0,0,.3); }
    .khc-window { position: fixed; right: 1rem; bottom: 4.5rem; z-index: 2147483000; width: 24rem; max-width: calc(100vw - 2rem);
      height: 34rem; max-height: calc(100vh - 6rem); display: flex; flex-direction: column; background: var(--khc-bg);
      border: 2px solid var(--khc-accent); border-radius: .5rem; box-shadow: 0 4px 18px rgba(0,0,0,.3); }
    .khc-window[hidden] { display: none; }
    .khc-header { display: flex; align-items: center; justify-content: space-between; padding: .5rem .75rem; background: var(--khc-accent); color: #fff; }
    .khc-title { margin: 0; font-size: 1.05rem; }
    .khc-close { background: transparent; color: #fff; border: 0; font-size: 1.6rem; line-height: 1; cursor: pointer; padding: 0 .35rem; }
    .khc-log { flex: 1; overflow-y: auto; padding: .75rem; }
    .khc-msg { margin: 0 0 .75rem; }
    .khc-who { display: block; font-size: .8rem; font-weight: 600; color: #444; }
    .khc-body { padding: .5rem .65rem; border-radius: .4rem; background: var(--khc-soft); overflow-wrap: anywhere; }
    .khc-user .khc-body { background: #fff8d6; }
    .khc-body p { margin: 0 0 .5rem; } .khc-body p:last-child { margin-bottom: 0; }
    .khc-body ul, .khc-body ol { margin: .25rem 0 .5rem 1.2rem; padding: 0; }
    .khc-body a { color: #0a3d6b; text-decoration: underline; }
    .khc-options, .khc-feedback { margin-top: .4rem; display: flex; flex-wrap: wrap; gap: .35rem; align-items: center; font-size: .9rem; }
    .khc-options-label { width: 100%; }
    .khc-option, .khc-fb, .khc-send { font: inherit; padding: .35rem .7rem; border: 2px solid var(--khc-accent); border-radius: .3rem;
      background: #fff; color: var(--khc-accent); cursor: pointer; }
    .khc-send { background: var(--khc-accent); color: #fff; font-weight: 600; }
    .khc-form { display: flex; flex-wrap: wrap; gap: .4rem; padding: .6rem .75rem; border-top: 1px solid #ccd; }
    .khc-label { width: 100%; font-size: .9rem; font-weight: 600; }
    .khc-form input { flex: 1; min-width: 0; font: inherit; padding: .45rem .55rem; border: 2px solid #555; border-radius: .3rem; }
    .khc button:focus-visible, .khc input:focus-visible, .khc a:focus-visible, .khc-log:focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; }
    .khc-send:disabled { opacity: .6; cursor: progress; }
    @media (max-width: 480px) {
      .khc-window { right: 0; bottom: 0; width: 100vw; max-width: 100vw; height: 100vh; max-height: 100vh; border-radius: 0; }
      .khc-toggle { right: .5rem; bottom: .5rem; }
      .khc-open .khc-toggle { display: none; }  /* the window's own close button is there */
    }
    @media (forced-colors: active) { .khc-toggle, .khc-send, .khc-option, .khc-fb { border: 2px solid ButtonText; } }
    @media (prefers-reduced-motion: reduce) { .khc * { scroll-behavior: auto; } }
    """
}
