/* Roll call: every tap is saved at once; on a bad network nothing entered is lost.
 *
 * Taps go to an outbox kept in localStorage (per meeting) until the server confirms them.
 * The outbox is sent one batch at a time; each batch carries an idempotency key, kept with
 * it, so a batch sent again after a lost answer changes nothing on the server. Later taps
 * wait in `pending` and go in the next batch, so a retry can never undo a later correction.
 * Without JavaScript the form posts as usual (the server handles both the same way).
 */
(function () {
  "use strict";

  var form = document.querySelector("form[data-roll-call]");
  if (!form) { return; }
  var sheet = form.querySelector("fieldset.rc-sheet");
  if (!sheet || sheet.disabled) { return; }

  var storeKey = "handbook:roll-call:" + form.dataset.meeting;
  var statusLine = form.querySelector("[data-rc-status]");
  var errorBox = document.querySelector("[data-rc-errors]");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var lang = document.documentElement.lang || "vi";
  var inFlight = false;
  var retryDelay = 1000;
  var retryTimer = null;
  var state = load();

  function newKey() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function load() {
    try {
      var saved = JSON.parse(window.localStorage.getItem(storeKey));
      if (saved && typeof saved.pending === "object") { return saved; }
    } catch (e) { /* storage unavailable or damaged: start empty */ }
    return { batch: null, pending: {} };
  }

  function persist() {
    try {
      if (!state.batch && Object.keys(state.pending).length === 0) {
        window.localStorage.removeItem(storeKey);
      } else {
        window.localStorage.setItem(storeKey, JSON.stringify(state));
      }
    } catch (e) { /* private mode: the outbox still lives in memory */ }
  }

  function rowOf(id) { return form.querySelector('.rc-row[data-member="' + id + '"]'); }

  function entryOf(row) {
    var checked = row.querySelector("input[type=radio]:checked");
    var reason = row.querySelector(".rc-reason input");
    return { status: checked ? checked.value : "", reason: reason ? reason.value : "" };
  }

  function show(row, entry) {
    var radio = row.querySelector('input[type=radio][value="' + entry.status + '"]');
    if (radio) { radio.checked = true; }
    var reason = row.querySelector(".rc-reason input");
    if (reason) { reason.value = entry.reason || ""; }
  }

  function setState(row, name) {
    var label = row.querySelector(".rc-state");
    var text = { saved: "msgSaved", unsaved: "msgUnsaved", sending: "msgSending", failed: "msgFailed", refused: "msgRefused" }[name];
    label.dataset.state = name || "";
    label.textContent = text ? form.dataset[text] : "";
  }

  function differsFromSaved(row) {
    var entry = entryOf(row);
    if (entry.status === "") { return row.dataset.savedStatus !== "" && row.hasAttribute("data-exempt"); }
    if (entry.status !== row.dataset.savedStatus) { return true; }
    return entry.status === "excused" && entry.reason.trim() !== row.dataset.savedReason;
  }

  // The server's figure style (common/numbers.py): rounded half up to one decimal, in
  // integers so 88.65 is never 88.6 by a float's error, then "88,7 %" in Vietnamese.
  function formatPercent(part, whole) {
    var tenths = Math.floor((2000 * part + whole) / (2 * whole));
    return (tenths / 10).toLocaleString(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 }) + " %";
  }

  function updateSummary() {
    var counts = { present: 0, excused: 0, unexcused: 0, unmarked: 0 };
    form.querySelectorAll(".rc-row:not([data-exempt])").forEach(function (row) {
      var status = entryOf(row).status;
      counts[counts.hasOwnProperty(status) && status ? status : "unmarked"] += 1;
    });
    Object.keys(counts).forEach(function (name) {
      var cell = document.querySelector('[data-count="' + name + '"]');
      if (cell) { cell.textContent = counts[name]; }
    });
    var summoned = parseInt(form.dataset.summoned, 10);
    var rate = document.querySelector('[data-count="rate"]');
    if (rate && summoned > 0) { rate.textContent = formatPercent(counts.present, summoned); }
  }

  function say(text) { if (statusLine) { statusLine.textContent = text; } }

  function showErrors(errors) {
    errorBox.textContent = "";
    if (!errors || !errors.length) { return; }
    var list = document.createElement("ul");
    list.className = "messages";
    errors.forEach(function (message) {
      var item = document.createElement("li");
      item.className = "message message-error";
      item.textContent = message;
      list.appendChild(item);
    });
    errorBox.appendChild(list);
  }

  function enqueue(row) {
    state.pending[row.dataset.member] = entryOf(row);
    persist();
    setState(row, "unsaved");
    updateSummary();
    flush();
  }

  function scheduleRetry() {
    window.clearTimeout(retryTimer);
    retryTimer = window.setTimeout(flush, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 30000);
  }

  function acceptSaved(saved, batchIds) {
    Object.keys(saved).forEach(function (id) {
      var row = rowOf(id);
      if (!row) { return; }
      row.dataset.savedStatus = saved[id].status;
      row.dataset.savedReason = saved[id].reason;
    });
    batchIds.forEach(function (id) {
      var row = rowOf(id);
      if (row && !state.pending[id]) { setState(row, "saved"); }
    });
  }

  function flush() {
    if (inFlight) { return; }
    if (!state.batch) {
      if (Object.keys(state.pending).length === 0) { return; }
      state.batch = { key: newKey(), entries: state.pending };
      state.pending = {};
      persist();
    }
    var batch = state.batch;
    var ids = Object.keys(batch.entries);
    var body = new URLSearchParams();
    body.append("idempotency_key", batch.key);
    ids.forEach(function (id) {
      body.append("status-" + id, batch.entries[id].status);
      body.append("reason-" + id, batch.entries[id].reason || "");
      var row = rowOf(id);
      if (row && !state.pending[id]) { setState(row, "sending"); }
    });
    inFlight = true;
    say(form.dataset.msgSending);
    window.fetch(form.action || window.location.href, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrf, "X-Requested-With": "fetch" }
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (response.status === 403 || (response.redirected && type.indexOf("application/json") === -1)) {
        // Signed out, or the session changed: retrying cannot help until the page is reloaded
        // (the entries stay on this device and go out after the reload).
        var stale = new Error("session");
        stale.session = true;
        throw stale;
      }
      if (type.indexOf("application/json") === -1 || response.status >= 500) { throw new Error("not confirmed"); }
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    }).then(function (answer) {
      inFlight = false;
      retryDelay = 1000;
      state.batch = null;
      persist();
      if (answer.data.ok) {
        showErrors([]);
        acceptSaved(answer.data.saved, ids);
        say(Object.keys(state.pending).length ? form.dataset.msgUnsaved : form.dataset.msgSavedAt.replace("{time}", answer.data.saved_at));
      } else {
        // Refused (not summoned, meeting cancelled...): the server changed nothing; show what it holds.
        showErrors(answer.data.errors);
        acceptSaved(answer.data.saved || {}, []);
        ids.forEach(function (id) {
          var row = rowOf(id);
          if (row && !state.pending[id]) {
            show(row, { status: row.dataset.savedStatus, reason: row.dataset.savedReason });
            setState(row, "refused");
          }
        });
        updateSummary();
        say(form.dataset.msgRefused);
      }
      flush();
    }).catch(function (error) {
      inFlight = false;
      ids.forEach(function (id) {
        var row = rowOf(id);
        if (row) { setState(row, "failed"); }
      });
      if (error && error.session) {
        say(form.dataset.msgReload);
        return;
      }
      say(navigator.onLine === false ? form.dataset.msgOffline : form.dataset.msgFailed);
      scheduleRetry();
    });
  }

  // Entries left on this device by an earlier visit (reload, lost connection) come back first.
  function restore() {
    var unsent = {};
    if (state.batch) { Object.assign(unsent, state.batch.entries); }
    Object.assign(unsent, state.pending);
    Object.keys(unsent).forEach(function (id) {
      var row = rowOf(id);
      if (!row) { return; }
      show(row, unsent[id]);
      setState(row, "failed");
    });
    // Entries for members no longer on the sheet cannot be sent; the rest go out now.
    Object.keys(state.pending).forEach(function (id) { if (!rowOf(id)) { delete state.pending[id]; } });
    persist();
    updateSummary();
    flush();
  }

  form.addEventListener("change", function (event) {
    var row = event.target.closest(".rc-row");
    if (!row || event.target.type !== "radio") { return; }
    // Focus stays on the options, so arrow keys keep moving through them.
    enqueue(row);
  });

  // A reason is sent when the secretary pauses typing or leaves the field.
  var typingTimers = {};
  form.addEventListener("input", function (event) {
    var row = event.target.closest(".rc-row");
    if (!row || !event.target.closest(".rc-reason")) { return; }
    var id = row.dataset.member;
    window.clearTimeout(typingTimers[id]);
    typingTimers[id] = window.setTimeout(function () {
      if (entryOf(row).status === "excused" && differsFromSaved(row)) { enqueue(row); }
    }, 800);
  });
  form.addEventListener("focusout", function (event) {
    var row = event.target.closest(".rc-row");
    if (!row || !event.target.closest(".rc-reason")) { return; }
    window.clearTimeout(typingTimers[row.dataset.member]);
    if (entryOf(row).status === "excused" && differsFromSaved(row)) { enqueue(row); }
  });

  // "Everyone else present" and "Save": send every mark the server does not hold yet.
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var allPresent = event.submitter && event.submitter.hasAttribute("data-all-present");
    form.querySelectorAll(".rc-row").forEach(function (row) {
      if (allPresent && !row.hasAttribute("data-exempt") && !entryOf(row).status) {
        show(row, { status: "present", reason: "" });
      }
      if (differsFromSaved(row)) {
        state.pending[row.dataset.member] = entryOf(row);
        setState(row, "unsaved");
      }
    });
    persist();
    updateSummary();
    flush();
  });

  window.addEventListener("online", function () { retryDelay = 1000; flush(); });
  window.addEventListener("offline", function () { say(form.dataset.msgOffline); });
  restore();
}());
