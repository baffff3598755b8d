// The upload page's one script (no framework, no CDN). Without it the plain form still posts
// and the upload page refreshes itself while the file is being checked.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (form) {
    var input = document.getElementById("file");
    var zone = document.getElementById("drop-zone");
    var bar = document.getElementById("send-progress");
    var status = document.getElementById("upload-status");
    ["dragenter", "dragover"].forEach(function (t) {
      zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (t) {
      zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (e) {
      if (e.dataTransfer && e.dataTransfer.files.length) {
        input.files = e.dataTransfer.files;
        status.textContent = Array.prototype.map.call(input.files, function (f) { return f.name; }).join(", ");
      }
    });
    form.addEventListener("submit", function (e) {
      if (!window.FormData || !input.files.length) { return; }
      e.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      bar.hidden = false;
      xhr.upload.onprogress = function (p) {
        if (p.lengthComputable) { bar.value = Math.round(100 * p.loaded / p.total); }
      };
      xhr.onload = function () {
        if (xhr.status < 400 && xhr.responseURL) {
          window.location.assign(xhr.responseURL);
          return;
        }
        var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
        var msg = doc.querySelector(".error-zh");
        var en = doc.querySelector(".error-en");
        status.textContent = (msg ? msg.textContent : xhr.status) + (en ? " / " + en.textContent : "");
        status.className = "alert";
        bar.hidden = true;
      };
      xhr.onerror = function () { form.submit(); };
      xhr.send(new FormData(form));
    });
  }
  var watch = document.getElementById("upload-progress");
  if (watch) {
    var id = watch.getAttribute("data-upload");
    var rows = document.getElementById("progress-rows");
    var poll = function () {
      fetch("/api/v1/uploads/" + id, { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (u) {
          if (u.rows_read !== undefined) { rows.textContent = u.rows_read; }
          if (u.status === "done" || u.status === "failed") { window.location.reload(); }
          else { setTimeout(poll, 700); }
        })
        .catch(function () { setTimeout(poll, 2000); });
    };
    setTimeout(poll, 300);
  }
})();
