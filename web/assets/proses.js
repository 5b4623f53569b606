// The batch page's live progress: polls GET /api/batches/:id every few seconds and updates the
// bar, the counts, the rate, the ETA and the failed list. Without JavaScript the page's
// "Muat ulang" link does the same. When the batch's state changes, the page reloads so that its
// buttons match.
(function () {
  "use strict";
  var box = document.getElementById("proses");
  if (!box || !window.fetch) return;
  var api = box.getAttribute("data-api");
  var shownState = box.getAttribute("data-state");
  // The states' names come from the page (hrinput.BatchStateNames), decided once on the server.
  var states = {};
  try { states = JSON.parse(box.getAttribute("data-states") || "{}"); } catch (e) { /* the raw state then */ }

  function set(id, v) {
    var el = document.getElementById(id);
    if (el && el.textContent !== String(v)) el.textContent = String(v);
  }
  function rate(r) {
    if (!r || r <= 0) return "belum diketahui";
    return String(Math.round(r * 10) / 10).replace(".", ",") + " pegawai per detik";
  }
  function eta(s) {
    if (s === null || s === undefined) return "belum diketahui";
    if (s >= 60) return "sekitar " + Math.floor(s / 60) + " menit " + (s % 60) + " detik";
    return "sekitar " + s + " detik";
  }
  function failed(items) {
    var table = document.getElementById("gagal");
    if (!table || !items || !items.length) return;
    var body = table.tBodies[0];
    while (body.firstChild) body.removeChild(body.firstChild);
    items.forEach(function (it) {
      var tr = document.createElement("tr");
      [["NIP", it.nip], ["Alasan", it.message || ""]].forEach(function (c) {
        var td = document.createElement("td");
        td.setAttribute("data-label", c[0]);
        td.textContent = c[1];
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    var box = document.getElementById("gagal-kotak");
    if (box) box.hidden = false;
  }
  function show(b) {
    var ended = b.done + b.failed + b.skipped;
    var bar = document.getElementById("bilah");
    if (bar) {
      bar.max = b.total || 1;
      bar.value = b.total ? ended : 1;
      bar.textContent = b.percent + "%";
    }
    set("persen", b.percent);
    set("jumlah-berakhir", ended);
    set("jumlah-total", b.total);
    set("keadaan", states[b.state] || b.state);
    set("jumlah-selesai", b.done);
    set("jumlah-dilewati", b.skipped);
    set("jumlah-gagal", b.failed);
    set("jumlah-menunggu", b.pending);
    set("jumlah-dibatalkan", b.cancelled);
    set("laju", rate(b.rate_per_second));
    set("sisa", eta(b.eta_seconds));
    failed(b.failed_items);
  }
  function poll() {
    fetch(api, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (b) {
        if (!b) return setTimeout(poll, 5000);
        show(b);
        if (b.state !== shownState) {
          window.location.replace(window.location.pathname);
          return;
        }
        if (b.state === "running" || b.state === "paused") setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 1000);
})();
