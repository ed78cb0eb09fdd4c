/* The editor's attachments: drag and drop or the file input, one upload at a time to
   the JSON API (POST /api/v1/notices/{id}/attachments) with a progress bar from
   XMLHttpRequest's upload events, and removal (DELETE) without leaving the page, so
   text typed in the editor is not lost. Without this script the forms post to the
   staff routes instead. Every name goes in with textContent. */
(function () {
  "use strict";

  var box = document.getElementById("attachments");
  var i18nNode = document.getElementById("attachment-i18n");
  if (!box || !i18nNode || !window.XMLHttpRequest || !window.FormData) { return; }
  var T = JSON.parse(i18nNode.textContent);
  var noticeId = box.getAttribute("data-notice");
  var maxSize = Number(box.getAttribute("data-max"));
  var form = document.getElementById("attachment-form");
  var input = document.getElementById("attachment-file");
  var zone = document.getElementById("dropzone");
  var list = document.getElementById("attachment-list");
  var empty = document.getElementById("attachment-empty");
  var progress = document.getElementById("attachment-progress");
  var bar = document.getElementById("attachment-bar");
  var status = document.getElementById("attachment-status");
  var csrf = form.querySelector("input[name=csrf_token]").value;
  var api = "/api/v1/notices/" + encodeURIComponent(noticeId) + "/attachments";
  var waiting = [];
  var busy = false;

  function fill(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (_, k) { return values[k] === undefined ? "" : values[k]; });
  }

  function size(bytes) {
    if (bytes >= 1048576) { return (bytes / 1048576).toFixed(1) + " MB"; }
    if (bytes >= 1024) { return Math.round(bytes / 1024) + " KB"; }
    return bytes + " B";
  }

  function say(text) { status.textContent = text; }

  function reason(xhr) {
    try {
      var code = JSON.parse(xhr.responseText).error.code;
      return T[code] || JSON.parse(xhr.responseText).error.message;
    } catch (e) {
      return T.other;
    }
  }

  function row(file) {
    var li = document.createElement("li");
    li.setAttribute("data-id", file.id);
    var link = document.createElement("a");
    link.href = "/staff/attachments/" + file.id + "/" + encodeURIComponent(file.filename);
    link.textContent = file.filename;
    var facts = document.createElement("span");
    facts.className = "hint";
    facts.textContent = (file.label || file.content_type) + " · " + size(file.size);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn small danger";
    button.textContent = T.remove;
    button.setAttribute("aria-label", T.remove + " " + file.filename);
    button.addEventListener("click", function () { remove(file, li); });
    var holder = document.createElement("span");
    holder.className = "remove";
    holder.appendChild(button);
    li.appendChild(link);
    li.appendChild(facts);
    li.appendChild(holder);
    return li;
  }

  function refreshEmpty() { empty.hidden = list.children.length > 0; }

  function remove(file, li) {
    var xhr = new XMLHttpRequest();
    xhr.open("DELETE", api + "/" + encodeURIComponent(file.id));
    xhr.setRequestHeader("X-CSRF-Token", csrf);
    xhr.onload = function () {
      if (xhr.status === 200) {
        li.remove();
        refreshEmpty();
        say(fill(T.removed, { name: file.filename }));
      } else {
        say(fill(T.failed, { name: file.filename, reason: reason(xhr) }));
      }
    };
    xhr.onerror = function () { say(fill(T.failed, { name: file.filename, reason: T.other })); };
    xhr.send();
  }

  function next() {
    if (busy || waiting.length === 0) { return; }
    var file = waiting.shift();
    if (file.size > maxSize) {  // the server refuses it too (413); say so before sending it
      say(fill(T.failed, { name: file.name, reason: T.too_large }));
      next();
      return;
    }
    busy = true;
    var body = new FormData();
    body.append("file", file, file.name);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", api);
    xhr.setRequestHeader("X-CSRF-Token", csrf);
    progress.hidden = false;
    bar.value = 0;
    say(fill(T.uploading, { name: file.name, percent: "0%" }));
    xhr.upload.onprogress = function (event) {
      if (!event.lengthComputable) { return; }
      var percent = Math.round(100 * event.loaded / event.total);
      bar.value = percent;
      say(fill(T.uploading, { name: file.name, percent: percent + "%" }));
    };
    xhr.onload = function () {
      busy = false;
      progress.hidden = true;
      if (xhr.status === 201) {
        var found = JSON.parse(xhr.responseText);
        found.label = labelOf(found.content_type);
        list.appendChild(row(found));
        refreshEmpty();
        say(fill(T.done, { name: found.filename }));
      } else {
        say(fill(T.failed, { name: file.name, reason: reason(xhr) }));
      }
      next();
    };
    xhr.onerror = function () {
      busy = false;
      progress.hidden = true;
      say(fill(T.failed, { name: file.name, reason: T.other }));
      next();
    };
    xhr.send(body);
  }

  var LABELS = {
    "application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WebP",
    "application/zip": "ZIP", "application/msword": "Word", "application/vnd.ms-excel": "Excel",
    "application/vnd.ms-powerpoint": "PowerPoint",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PowerPoint",
    "application/vnd.oasis.opendocument.text": "OpenDocument Text",
    "application/vnd.oasis.opendocument.spreadsheet": "OpenDocument Spreadsheet",
    "application/vnd.oasis.opendocument.presentation": "OpenDocument Presentation"
  };
  function labelOf(type) { return LABELS[type] || type; }

  function add(files) {
    Array.prototype.forEach.call(files, function (file) { waiting.push(file); });
    next();
  }

  // The rows the server drew: removal without leaving the page too.
  Array.prototype.forEach.call(list.querySelectorAll("li[data-id]"), function (li) {
    var form = li.querySelector("form.remove");
    if (!form) { return; }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      remove({ id: li.getAttribute("data-id"), filename: li.querySelector("a").textContent }, li);
    });
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    add(input.files);
    input.value = "";
  });
  input.addEventListener("change", function () {
    add(input.files);
    input.value = "";
  });
  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function (event) {
      event.preventDefault();
      zone.classList.add("over");
    });
  });
  ["dragleave", "drop"].forEach(function (name) {
    zone.addEventListener(name, function () { zone.classList.remove("over"); });
  });
  zone.addEventListener("drop", function (event) {
    event.preventDefault();
    if (event.dataTransfer && event.dataTransfer.files) { add(event.dataTransfer.files); }
  });
}());
