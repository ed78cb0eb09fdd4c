/* The editor's personal-data and secrecy flags, and the mask button.
   staff.js posts the form to /staff/preview as the person types and announces each answer
   with a "preview:data" event on the form: {data, sent}. The answer's `flags` come from
   the same scan review and approval run; `masked` holds each text field with its
   personal data masked (110101********1234), computed from the values in `sent`.
   Every text is set with textContent. */
(function () {
  "use strict";
  var form = document.getElementById("notice-form");
  var box = document.getElementById("pv-flags");
  var i18n = document.getElementById("flags-i18n");
  if (!form || !box || !i18n) { return; }
  var T = JSON.parse(i18n.textContent);
  var summary = document.getElementById("pv-flags-summary");
  var list = document.getElementById("pv-flags-list");
  var button = document.getElementById("mask-button");
  var last = null;

  function fill(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (_, k) { return values[k] === undefined ? "" : values[k]; });
  }

  function show(detail) {
    var flags = detail.data.flags;
    if (!flags) { return; }
    last = detail;
    list.textContent = "";
    var marks = false;
    flags.rows.forEach(function (row) {
      var item = document.createElement("li");
      item.className = row.personal ? "flag personal" : "flag mark";
      var code = document.createElement("code");
      code.textContent = row.masked;
      item.appendChild(document.createTextNode(row.field + " · " + row.kind + " · "));
      item.appendChild(code);
      list.appendChild(item);
      marks = marks || !row.personal;
    });
    summary.textContent = flags.count ? fill(T.found, { n: flags.count }) : T.none;
    if (marks) {
      var hint = document.createElement("li");
      hint.className = "hint";
      hint.textContent = T.mark_hint;
      list.appendChild(hint);
    }
    box.classList.toggle("flagged", flags.count > 0);
    button.hidden = Object.keys(detail.data.masked || {}).length === 0;
  }

  button.addEventListener("click", function () {
    if (!last) { return; }
    var changed = 0;
    Object.keys(last.data.masked).forEach(function (name) {
      var node = form.elements.namedItem(name);
      /* only a field still holding the text that was scanned: never what was typed since */
      if (node && "value" in node && node.value === last.sent.get(name)) {
        node.value = last.data.masked[name];
        changed += 1;
      }
    });
    button.hidden = true;
    summary.textContent = fill(T.masked, { n: changed });
    form.dispatchEvent(new Event("input", { bubbles: true }));  /* preview and flags again */
  });

  form.addEventListener("preview:data", function (event) { show(event.detail); });
})();
