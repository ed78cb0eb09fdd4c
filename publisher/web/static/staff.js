/* Staff pages: the editor's live preview, and focus on an error summary.
   Plain JavaScript, no build step; every text from the user is set with textContent. */
(function () {
  "use strict";

  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
  /* LED boards drawn by the server: their width in cells (style attributes are not allowed) */
  Array.prototype.forEach.call(document.querySelectorAll(".led-screen[data-cols]"), function (node) {
    node.style.setProperty("--cols", node.getAttribute("data-cols"));
  });

  var form = document.getElementById("notice-form");
  var i18nNode = document.getElementById("staff-i18n");
  if (!form || !i18nNode) { return; }
  var T = JSON.parse(i18nNode.textContent);
  var csrf = form.querySelector("input[name=csrf_token]").value;

  function fill(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (_, k) { return values[k] === undefined ? "" : values[k]; });
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  /* Text with the given characters marked (for characters a sign cannot show). */
  function marked(text, chars, cls) {
    var frag = document.createDocumentFragment();
    var run = "";
    Array.from(text).forEach(function (ch) {
      if (chars.has(ch)) {
        if (run) { frag.appendChild(document.createTextNode(run)); run = ""; }
        frag.appendChild(el("mark", cls, ch));
      } else {
        run += ch;
      }
    });
    if (run) { frag.appendChild(document.createTextNode(run)); }
    return frag;
  }

  var pvBody = document.getElementById("pv-body");
  var kiosk = document.getElementById("pv-kiosk");
  var led = document.getElementById("pv-led");
  var words = document.getElementById("schedule-words");
  var ledCache = new Map();
  var sequence = 0;

  function field(name) {
    var node = form.elements.namedItem(name);
    return node && "value" in node ? node.value : "";
  }

  /* Each channel's part of the preview pane is there only when that channel is
     registered (ChannelSpec.editor_preview): skip the parts that are absent. */
  function showKiosk(data) {
    if (!kiosk) { return; }
    var priority = (form.querySelector("input[name=priority]:checked") || {}).value || "normal";
    var badge = kiosk.querySelector(".k-badge");
    badge.textContent = "";
    if (priority !== "normal") { badge.appendChild(el("span", "badge " + priority, T.priority[priority])); }
    kiosk.querySelector(".k-title").textContent = field("title").trim() || T.no_title;
    kiosk.querySelector(".k-summary").textContent = field("summary").trim();
    /* body_html was rendered and cleaned by the server (markdown, raw HTML off, nh3). */
    kiosk.querySelector(".k-body").innerHTML = data.body_html;
    kiosk.querySelector(".k-foot").textContent = fill(T.dwell, { s: field("schedule.dwell_s") || "10" });
  }

  function showWords(data) {
    if (data.schedule_error) {
      words.textContent = data.schedule_error.message;
      words.classList.add("error");
    } else {
      words.textContent = data.schedule_words || T.no_words;
      words.classList.remove("error");
    }
  }

  function board(lines, cols, rows, bad, replacement) {
    var screen = el("div", "led-screen");
    screen.style.setProperty("--cols", String(cols));
    for (var r = 0; r < rows; r++) {
      var line = el("span", "led-line");
      var text = lines[r] || "";
      if (bad && replacement) {
        line.appendChild(marked(text, new Set([replacement]), ""));
      } else {
        line.textContent = text;
      }
      screen.appendChild(line);
    }
    return screen;
  }

  function signView(sign, text, answer) {
    var fig = el("figure", "led-sign");
    var caption = el("figcaption");
    fig.appendChild(caption);
    if (answer.error) {
      caption.textContent = sign.name + " · " + sign.location_name;
      var chars = new Set((answer.error.details || []).map(function (d) { return d.char; }).filter(Boolean));
      var p = el("p", "led-refused", T.strict + " ");
      fig.appendChild(p);
      var src = el("p", "led-warn", T.led_source);
      src.appendChild(marked(text, chars, "bad-char"));
      fig.appendChild(src);
      return fig;
    }
    var g = answer.geometry;
    caption.textContent = sign.name + " · " + sign.location_name + " · " + g.cols + "×" + g.rows + " · " + answer.encoding +
      (answer.mode === "scroll" ? " · " + T.scroll : "");
    var list = el("ol", "led-pages");
    var bad = answer.unencodable.length > 0 && sign.policy === "replace";
    answer.pages.forEach(function (page, index) {
      var item = el("li", "led-page");
      item.appendChild(board(page.lines, answer.mode === "scroll" ? Math.max(g.cols, 1) : g.cols,
                             answer.mode === "scroll" ? 1 : g.rows, bad, sign.replacement));
      item.appendChild(el("span", "led-meta", fill(T.page, { n: index + 1 }) + " · " + fill(T.seconds, { s: page.dwell_s })));
      list.appendChild(item);
    });
    if (!answer.pages.length) { list.appendChild(el("li", "empty", T.empty_text)); }
    fig.appendChild(list);
    if (answer.unencodable.length) {
      var chars2 = new Set(answer.unencodable.map(function (u) { return u.char; }));
      var warn = el("p", "led-warn", T.unencodable);
      answer.unencodable.forEach(function (u) {
        warn.appendChild(el("mark", "bad-char", u.char));
        warn.appendChild(document.createTextNode(" " + u.code_point + " ×" + u.count + "  "));
      });
      warn.appendChild(document.createTextNode(sign.policy === "drop" ? T.dropped : fill(T.replaced, { c: sign.replacement })));
      fig.appendChild(warn);
      var source = el("p", "led-warn", T.led_source);
      source.appendChild(marked(text, chars2, "bad-char"));
      fig.appendChild(source);
    }
    return fig;
  }

  function ledPreview(sign, text) {
    var key = sign.id + "\u0000" + text;
    if (ledCache.has(key)) { return ledCache.get(key); }
    var request = fetch("/api/v1/led/preview", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify({ text: text, sign_id: sign.id })
    }).then(function (resp) {
      return resp.json().then(function (body) {
        if (resp.ok) { return body; }
        if (resp.status === 422 && body.error && body.error.code === "unencodable") { return { error: body.error }; }
        throw new Error(body.error ? body.error.message : String(resp.status));
      });
    });
    if (ledCache.size > 200) { ledCache.clear(); }
    ledCache.set(key, request);
    request.catch(function () { ledCache.delete(key); });
    return request;
  }

  function showLed(data, mine) {
    if (!led || !data.signs) { return Promise.resolve(); }
    if (!data.signs.length) {
      led.textContent = "";
      led.appendChild(el("p", "empty", T.no_signs));
      return Promise.resolve();
    }
    var text = data.led_text;
    return Promise.all(data.signs.map(function (sign) {
      return ledPreview(sign, text).then(function (answer) { return signView(sign, text, answer); });
    })).then(function (views) {
      if (mine !== sequence) { return; }
      led.textContent = "";
      views.forEach(function (v) { led.appendChild(v); });
      led.setAttribute("data-ready", "1");
    });
  }

  function refresh() {
    var mine = ++sequence;
    var body = new URLSearchParams(new FormData(form));
    if (led) { led.removeAttribute("data-ready"); }
    fetch("/staff/preview", { method: "POST", body: body, credentials: "same-origin", headers: { "X-CSRF-Token": csrf } })
      .then(function (resp) {
        if (!resp.ok) { throw new Error(String(resp.status)); }
        return resp.json();
      })
      .then(function (data) {
        if (mine !== sequence) { return; }
        /* other parts of the editor (editor_flags.js) read the same answer */
        form.dispatchEvent(new CustomEvent("preview:data", { detail: { data: data, sent: body } }));
        /* cleaned by the server, as the portal and kiosks show it */
        pvBody.innerHTML = data.body_html;
        showKiosk(data);
        showWords(data);
        return showLed(data, mine);
      })
      .catch(function () {
        if (mine !== sequence || !led) { return; }
        led.textContent = "";
        led.appendChild(el("p", "error", T.failed));
      });
  }

  var timer = null;
  function later() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  }
  form.addEventListener("input", later);
  form.addEventListener("change", later);
  refresh();
})();
