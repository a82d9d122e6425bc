/* The tutor as a drop-in chat widget: one <script> tag, a <tutor-chat> element in a Shadow DOM, no framework.
 *
 *   <script src="https://TUTOR/static/tutor-widget.js" defer></script>
 *   <tutor-chat endpoint="https://TUTOR" api-key="tk_..." title="Ask the tutor" theme="light"></tutor-chat>
 *
 * or, with nothing but the script tag (the element is added to the page for you):
 *   <script src="https://TUTOR/static/tutor-widget.js" data-api-key="tk_..." data-title="Ask the tutor" defer></script>
 *
 * Attributes: endpoint (default: where the script came from), api-key, title, theme (light|dark),
 * persist (local: keep the conversation id in localStorage, the default; none), session-id (a fixed
 * conversation, e.g. from an LTI launch), mode (bubble, the default; inline: the panel fills the element),
 * placeholder, open (start opened).
 * It POSTs to <endpoint>/v1/chat and reads the Server-Sent Events from the response body (EventSource
 * cannot POST): `delta` {text} pieces of the answer, `citations`, then `reply` (the full TutorReply),
 * or `error` {error: {code, message}}. Under each answer, thumbs up/down POST <endpoint>/v1/feedback with the
 * reply's `reply_id` (pressing a pressed thumb withdraws the rating); after rating, the learner may add a comment.
 */
(function () {
  "use strict";
  if (window.customElements && customElements.get("tutor-chat")) return;

  var script = document.currentScript;
  var scriptOrigin = script && script.src ? new URL(script.src, location.href).origin : location.origin;

  var CSS = [
    ":host{--tc-bg:#fff;--tc-fg:#1f2330;--tc-muted:#5b6170;--tc-border:#d9dce3;--tc-accent:#4f46e5;",
    "--tc-accent-fg:#fff;--tc-user:#eef0ff;--tc-bot:#f6f7f9;--tc-mark:#fde68a;--tc-error:#b42318;",
    "font-family:system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:15px;line-height:1.45;",
    "color:var(--tc-fg);}",
    ":host([theme=dark]){--tc-bg:#161a23;--tc-fg:#e8eaf0;--tc-muted:#a3a9b8;--tc-border:#2d3342;--tc-accent:#818cf8;",
    "--tc-accent-fg:#0b0d12;--tc-user:#262c40;--tc-bot:#1e2330;--tc-mark:#6b5a12;--tc-error:#fda29b;}",
    "*{box-sizing:border-box}",
    ".bubble{position:fixed;right:20px;bottom:20px;width:56px;height:56px;border-radius:50%;border:0;cursor:pointer;",
    "display:flex;align-items:center;justify-content:center;",
    "background:var(--tc-accent);color:var(--tc-accent-fg);box-shadow:0 4px 14px rgba(0,0,0,.25);font-size:26px;z-index:2147483000}",
    ".panel{position:fixed;right:20px;bottom:88px;width:min(400px,calc(100vw - 24px));height:min(600px,calc(100vh - 110px));",
    "display:none;flex-direction:column;background:var(--tc-bg);border:1px solid var(--tc-border);border-radius:14px;",
    "box-shadow:0 10px 30px rgba(0,0,0,.25);overflow:hidden;z-index:2147483000}",
    ".panel.open{display:flex}",
    ":host([mode=inline]) .bubble{display:none}",
    ":host([mode=inline]) .panel{position:static;display:flex;width:100%;height:100%;border-radius:0;box-shadow:none;border:0}",
    ":host([mode=inline]){display:block;height:100%}",
    "header{display:flex;align-items:center;gap:8px;padding:10px 14px;border-bottom:1px solid var(--tc-border);font-weight:600}",
    "header .title{flex:1}",
    "header button{background:none;border:0;color:var(--tc-muted);font-size:20px;cursor:pointer}",
    ":host([mode=inline]) header .close{display:none}",
    ".log{flex:1;overflow-y:auto;padding:12px 14px;display:flex;flex-direction:column;gap:10px}",
    ".msg{padding:8px 11px;border-radius:10px;max-width:92%;white-space:pre-wrap;word-wrap:break-word}",
    ".user{align-self:flex-end;background:var(--tc-user)}",
    ".bot{align-self:flex-start;background:var(--tc-bot)}",
    ".bot.streaming .text::after{content:'▍';animation:blink 1s steps(2) infinite;color:var(--tc-muted)}",
    "@keyframes blink{50%{opacity:0}}",
    ".bot.error{color:var(--tc-error)}",
    ".notice{display:block;margin-top:6px;font-size:12.5px;color:var(--tc-muted)}",
    ".cite{display:inline-block;margin:0 1px;padding:0 6px;border-radius:9px;border:1px solid var(--tc-accent);",
    "background:transparent;color:var(--tc-accent);font:inherit;font-size:12px;line-height:18px;cursor:pointer;vertical-align:1px}",
    ".cite[aria-expanded=true]{background:var(--tc-accent);color:var(--tc-accent-fg)}",
    ".passage{margin-top:8px;padding:8px 10px;border-left:3px solid var(--tc-accent);background:var(--tc-bg);",
    "border-radius:6px;font-size:13.5px;white-space:pre-wrap}",
    ".passage .where{display:block;font-size:12px;color:var(--tc-muted);margin-bottom:4px}",
    ".passage mark{background:var(--tc-mark);color:inherit;padding:0 1px;border-radius:2px}",
    ".suggestions{display:flex;flex-wrap:wrap;gap:6px;margin-top:8px}",
    ".suggestions button{font:inherit;font-size:12.5px;border:1px solid var(--tc-border);background:var(--tc-bg);",
    "color:var(--tc-fg);border-radius:12px;padding:2px 9px;cursor:pointer}",
    "form{display:flex;gap:8px;padding:10px;border-top:1px solid var(--tc-border)}",
    "textarea{flex:1;resize:none;font:inherit;padding:8px;border-radius:8px;border:1px solid var(--tc-border);",
    "background:var(--tc-bg);color:var(--tc-fg);min-height:40px;max-height:120px}",
    "form button{border:0;border-radius:8px;padding:0 14px;background:var(--tc-accent);color:var(--tc-accent-fg);",
    "font:inherit;font-weight:600;cursor:pointer}",
    "form button:disabled{opacity:.5;cursor:default}",
    ".empty{color:var(--tc-muted);font-size:13.5px}",
    ".rate{display:flex;align-items:center;gap:4px;margin-top:6px}",
    ".rate button{background:none;border:1px solid var(--tc-border);border-radius:8px;padding:2px 6px;cursor:pointer;",
    "color:var(--tc-muted);line-height:0}",
    ".rate button[aria-pressed=true]{background:var(--tc-accent);border-color:var(--tc-accent);color:var(--tc-accent-fg)}",
    ".rate .status{font-size:12px;color:var(--tc-muted);margin-left:4px}",
    ".rate-comment{display:flex;gap:6px;margin-top:6px}",
    ".rate-comment[hidden]{display:none}",
    ".rate-comment input{flex:1;min-width:0;font:inherit;font-size:13px;padding:3px 7px;border:1px solid var(--tc-border);",
    "border-radius:6px;background:var(--tc-bg);color:var(--tc-fg)}",
    ".rate-comment button{font:inherit;font-size:12.5px;border:1px solid var(--tc-border);background:var(--tc-bg);",
    "color:var(--tc-fg);border-radius:6px;padding:2px 9px;cursor:pointer}",
  ].join("\n");

  /** Split an SSE byte stream into {event, data} records (data joined across lines, per the spec). */
  function SseParser(onEvent) {
    this.buffer = "";
    this.onEvent = onEvent;
  }
  SseParser.prototype.push = function (text) {
    this.buffer += text.replace(/\r\n?/g, "\n");
    var at;
    while ((at = this.buffer.indexOf("\n\n")) >= 0) {
      var block = this.buffer.slice(0, at);
      this.buffer = this.buffer.slice(at + 2);
      var event = "message", data = [];
      block.split("\n").forEach(function (line) {
        if (!line || line[0] === ":") return;
        var colon = line.indexOf(":");
        var field = colon < 0 ? line : line.slice(0, colon);
        var value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") event = value;
        else if (field === "data") data.push(value);
      });
      if (data.length) this.onEvent(event, data.join("\n"));
    }
  };

  // An inline thumb (emoji fonts are missing on many systems); the "down" one is the same, turned over.
  var THUMB = '<svg viewBox="0 0 24 24" width="15" height="15" aria-hidden="true" fill="currentColor"%s>' +
    '<path d="M1 21h4V9H1v12zm22-11c0-1.1-.9-2-2-2h-6.31l.95-4.57.03-.32c0-.41-.17-.79-.44-1.06L14.17 1 7.59 7.59' +
    'C7.22 7.95 7 8.45 7 9v10c0 1.1.9 2 2 2h9c.83 0 1.54-.5 1.84-1.22l3.02-7.05c.09-.23.14-.47.14-.73v-2z"/></svg>';

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text != null) node.textContent = text;
    return node;
  }

  class TutorChat extends HTMLElement {
    static get observedAttributes() { return ["title", "theme"]; }

    constructor() {
      super();
      this.root = this.attachShadow({ mode: "open" });
      this.busy = false;
      this.passages = {};
    }

    get endpoint() { return (this.getAttribute("endpoint") || scriptOrigin).replace(/\/+$/, ""); }
    get apiKey() { return this.getAttribute("api-key") || ""; }
    get storageKey() { return "tutor-chat:" + this.endpoint + ":" + (this.apiKey.split("_")[1] || "") + ":session"; }

    get sessionId() {
      if (this.getAttribute("session-id")) return this.getAttribute("session-id");
      if (this._session) return this._session;
      if (this.getAttribute("persist") !== "none") {
        try { this._session = localStorage.getItem(this.storageKey) || null; } catch (e) { /* storage blocked */ }
      }
      return this._session || null;
    }
    set sessionId(value) {
      this._session = value;
      if (this.getAttribute("persist") !== "none" && !this.getAttribute("session-id")) {
        try { localStorage.setItem(this.storageKey, value); } catch (e) { /* storage blocked: memory only */ }
      }
    }

    connectedCallback() {
      if (this.panel) return;
      var style = el("style"); style.textContent = CSS;
      this.bubble = el("button", "bubble");
      // An inline icon: emoji fonts are missing on many systems.
      this.bubble.innerHTML = '<svg viewBox="0 0 24 24" width="26" height="26" aria-hidden="true" fill="currentColor">' +
        '<path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zm3 6.5a1.5 1.5 0 1 0 0 ' +
        '3 1.5 1.5 0 0 0 0-3zm5 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm5 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3z"/></svg>';
      this.bubble.setAttribute("aria-label", "Open the tutor chat");
      this.bubble.setAttribute("part", "bubble");
      this.panel = el("section", "panel");
      this.panel.setAttribute("role", "dialog");
      this.panel.setAttribute("part", "panel");
      var header = el("header");
      this.titleEl = el("span", "title", this.getAttribute("title") || "Ask the tutor");
      var close = el("button", "close", "×");
      close.setAttribute("aria-label", "Close the chat");
      header.append(this.titleEl, close);
      this.log = el("div", "log");
      this.log.setAttribute("role", "log");
      this.log.setAttribute("aria-live", "polite");
      this.log.append(el("div", "empty", "Ask a question about the course material. Every answer quotes its sources."));
      this.form = el("form");
      this.input = el("textarea");
      this.input.rows = 1;
      this.input.placeholder = this.getAttribute("placeholder") || "Your question…";
      this.input.setAttribute("aria-label", "Your question");
      this.send = el("button", "send", "Ask");
      this.send.type = "submit";
      this.form.append(this.input, this.send);
      this.panel.append(header, this.log, this.form);
      this.root.append(style, this.bubble, this.panel);

      var self = this;
      this.bubble.addEventListener("click", function () { self.toggle(); });
      close.addEventListener("click", function () { self.toggle(false); });
      this.form.addEventListener("submit", function (e) { e.preventDefault(); self.ask(self.input.value); });
      this.input.addEventListener("keydown", function (e) {
        if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); self.ask(self.input.value); }
      });
      if (this.hasAttribute("open") || this.getAttribute("mode") === "inline") this.toggle(true);
    }

    attributeChangedCallback(name, old, value) {
      if (name === "title" && this.titleEl) this.titleEl.textContent = value || "Ask the tutor";
    }

    toggle(force) {
      var open = force === undefined ? !this.panel.classList.contains("open") : force;
      this.panel.classList.toggle("open", open);
      this.bubble.setAttribute("aria-expanded", String(open));
      if (open) {
        if (!this._restored) { this._restored = true; this.restore(); }
        this.input.focus();
      }
    }

    headers(extra) {
      var h = Object.assign({ "Content-Type": "application/json" }, extra || {});
      if (this.apiKey) h["Authorization"] = "Bearer " + this.apiKey;
      return h;
    }

    /** Show the earlier turns of a persisted conversation (text only: turns keep no citation spans). */
    restore() {
      var id = this.sessionId, self = this;
      if (!id) return;
      fetch(this.endpoint + "/v1/sessions/" + encodeURIComponent(id), { headers: this.headers() })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (view) {
          if (!view || !view.turns || !view.turns.length || self.log.querySelector(".msg")) return;
          self.clearEmpty();
          view.turns.forEach(function (t) {
            self.log.append(el("div", "msg user", t.question));
            var bot = el("div", "msg bot restored");
            bot.append(el("span", "text", t.answer));
            self.log.append(bot);
          });
          self.scroll();
        })
        .catch(function () { /* a fresh start is fine */ });
    }

    clearEmpty() {
      var empty = this.log.querySelector(".empty");
      if (empty) empty.remove();
    }

    scroll() { this.log.scrollTop = this.log.scrollHeight; }

    async ask(text) {
      var question = (text || "").trim();
      if (!question || this.busy) return;
      this.busy = true;
      this.send.disabled = true;
      this.input.value = "";
      this.clearEmpty();
      this.log.append(el("div", "msg user", question));
      var bot = el("div", "msg bot streaming");
      bot.setAttribute("data-testid", "tutor-bot");
      var body = el("span", "text");
      bot.append(body);
      this.log.append(bot);
      this.scroll();
      var self = this, reply = null, citations = [], failed = null;
      try {
        var payload = { question: question, stream: true };
        if (this.sessionId) payload.session_id = this.sessionId;
        var response = await fetch(this.endpoint + "/v1/chat", {
          method: "POST", headers: this.headers({ Accept: "text/event-stream" }), body: JSON.stringify(payload),
        });
        if (!response.ok) {
          var err = null;
          try { err = (await response.json()).error; } catch (e) { /* not JSON */ }
          throw new Error(err && err.message ? err.message : "The tutor answered " + response.status + ".");
        }
        var parser = new SseParser(function (event, data) {
          var obj = JSON.parse(data);
          if (event === "delta") { body.textContent += obj.text; self.scroll(); }
          else if (event === "citations") citations = obj.citations || [];
          else if (event === "reply") reply = obj;
          else if (event === "error") failed = (obj.error && obj.error.message) || "The reply could not be completed.";
        });
        var reader = response.body.getReader(), decoder = new TextDecoder();
        for (;;) {
          var chunk = await reader.read();
          if (chunk.done) break;
          parser.push(decoder.decode(chunk.value, { stream: true }));
        }
        parser.push(decoder.decode() + "\n\n");
        if (failed) throw new Error(failed);
        if (!reply) throw new Error("The connection closed before the reply was complete.");
        if (reply.session_id) this.sessionId = reply.session_id;
        this.renderReply(bot, reply, reply.citations || citations);
        this.dispatchEvent(new CustomEvent("tutor-reply", { detail: reply, bubbles: true, composed: true }));
      } catch (e) {
        bot.classList.add("error");
        bot.setAttribute("data-kind", "error");
        body.textContent = (body.textContent ? body.textContent + "\n\n" : "") + (e && e.message ? e.message : String(e));
      } finally {
        bot.classList.remove("streaming");
        this.busy = false;
        this.send.disabled = false;
        this.scroll();
      }
    }

    /** The final answer: `[n]` markers become chips that reveal the cited passage. */
    renderReply(bot, reply, citations) {
      var byMarker = {};
      citations.forEach(function (c) { byMarker[c.marker] = c; });
      bot.setAttribute("data-kind", reply.kind);
      var text = el("span", "text");
      var parts = String(reply.answer).split(/(\[\d+\])/);
      var self = this;
      parts.forEach(function (part) {
        var m = /^\[(\d+)\]$/.exec(part);
        var c = m && byMarker[+m[1]];
        if (!c) { if (part) text.append(document.createTextNode(part)); return; }
        var chip = el("button", "cite", String(c.marker));
        chip.type = "button";
        chip.setAttribute("aria-expanded", "false");
        chip.setAttribute("aria-label", "Source " + c.marker + ": " + c.section);
        chip.title = c.section + " — " + c.source;
        chip.addEventListener("click", function () { self.reveal(bot, chip, c); });
        text.append(chip);
      });
      bot.replaceChildren(text);
      if (reply.notice) bot.append(el("span", "notice", reply.notice));
      if (reply.suggestions && reply.suggestions.length) {
        var box = el("div", "suggestions");
        reply.suggestions.slice(0, 3).forEach(function (s) {
          var b = el("button", null, s);
          b.type = "button";
          b.addEventListener("click", function () { self.ask(s); });
          box.append(b);
        });
        bot.append(box);
      }
      if (reply.reply_id) bot.append(this.ratingBox(reply.reply_id));
    }

    /** Thumbs up/down for one reply, and after a rating an optional comment. */
    ratingBox(replyId) {
      var self = this, box = el("div", "rate"), status = el("span", "status"), current = null;
      box.setAttribute("role", "group");
      box.setAttribute("aria-label", "Was this answer helpful?");
      var buttons = [["up", "Helpful", ""], ["down", "Not helpful", ' style="transform:rotate(180deg)"']].map(function (b) {
        var button = el("button");
        button.type = "button";
        button.setAttribute("data-rating", b[0]);
        button.setAttribute("aria-label", b[1]);
        button.setAttribute("aria-pressed", "false");
        button.title = b[1];
        button.innerHTML = THUMB.replace("%s", b[2]);
        button.addEventListener("click", function () { choose(current === b[0] ? null : b[0]); });
        return button;
      });
      var commentRow = el("div", "rate-comment"), input = el("input"), sendComment = el("button", null, "Send");
      input.maxLength = 2000;
      input.placeholder = "Tell us more (optional)";
      input.setAttribute("aria-label", "Comment on this answer");
      sendComment.type = "button";
      commentRow.append(input, sendComment);
      commentRow.hidden = true;

      function post(body) {
        return fetch(self.endpoint + "/v1/feedback", { method: "POST", headers: self.headers(), body: JSON.stringify(body) })
          .then(function (r) {
            return r.json().catch(function () { return {}; }).then(function (data) {
              if (!r.ok) throw new Error((data.error && data.error.message) || "The rating was not saved (" + r.status + ").");
              return data;
            });
          });
      }
      function choose(rating) {
        buttons.forEach(function (b) { b.disabled = true; });
        post({ reply_id: replyId, rating: rating })
          .then(function (saved) {
            current = saved.rating || null;
            buttons.forEach(function (b) { b.setAttribute("aria-pressed", String(b.getAttribute("data-rating") === current)); });
            status.textContent = current ? "Thanks for the feedback." : "Rating removed.";
            commentRow.hidden = !current;
            if (current) input.focus();
          })
          .catch(function (e) { status.textContent = e.message; })
          .finally(function () { buttons.forEach(function (b) { b.disabled = false; }); });
      }
      function send() {
        var text = input.value.trim();
        if (!text || !current) return;
        sendComment.disabled = true;
        post({ reply_id: replyId, rating: current, comment: text })
          .then(function () { commentRow.hidden = true; input.value = ""; status.textContent = "Thanks — your comment was saved."; })
          .catch(function (e) { status.textContent = e.message; })
          .finally(function () { sendComment.disabled = false; });
      }
      sendComment.addEventListener("click", send);
      input.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); send(); } });
      box.append(buttons[0], buttons[1], status);
      var wrap = el("div");
      wrap.append(box, commentRow);
      return wrap;
    }

    /** Show (or hide) the cited span highlighted inside its passage, fetched once from /v1/passages. */
    async reveal(bot, chip, c) {
      var open = bot.querySelector(".passage");
      var same = open && open.getAttribute("data-marker") === String(c.marker);
      bot.querySelectorAll(".cite").forEach(function (b) { b.setAttribute("aria-expanded", "false"); });
      if (open) open.remove();
      if (same) return;
      chip.setAttribute("aria-expanded", "true");
      var box = el("div", "passage");
      box.setAttribute("data-marker", String(c.marker));
      box.append(el("span", "where", "[" + c.marker + "] " + c.section + " — " + c.source));
      var body = el("span", "body");
      box.append(body);
      bot.append(box);
      var passage = this.passages[c.chunk_id];
      if (passage === undefined) {
        try {
          var r = await fetch(this.endpoint + "/v1/passages/" + encodeURIComponent(c.chunk_id), { headers: this.headers() });
          passage = r.ok ? await r.json() : null;
        } catch (e) { passage = null; }
        this.passages[c.chunk_id] = passage;
      }
      var start = passage ? c.start - passage.start : -1, end = passage ? c.end - passage.start : -1;
      if (passage && start >= 0 && end <= passage.text.length && passage.text.slice(start, end) === c.text) {
        body.append(document.createTextNode(passage.text.slice(0, start)), el("mark", null, c.text),
                    document.createTextNode(passage.text.slice(end)));
      } else {
        body.append(el("mark", null, c.text));  // the cited span alone is still exact
      }
      this.scroll();
    }
  }

  customElements.define("tutor-chat", TutorChat);

  // One-tag mode: <script src=… data-api-key=…> adds the element itself.
  if (script && (script.dataset.apiKey || script.dataset.endpoint)) {
    var add = function () {
      if (document.querySelector("tutor-chat[data-auto]")) return;
      var node = document.createElement("tutor-chat");
      node.setAttribute("data-auto", "");
      ["endpoint", "apiKey", "title", "theme", "persist", "placeholder", "mode"].forEach(function (k) {
        var v = script.dataset[k];
        if (v) node.setAttribute(k.replace(/[A-Z]/g, function (ch) { return "-" + ch.toLowerCase(); }), v);
      });
      document.body.append(node);
    };
    if (document.body) add(); else document.addEventListener("DOMContentLoaded", add);
  }
})();
