/* IFN Diary on a phone: save without losing anything, offline included.
 *
 * Every Save goes into a queue in localStorage first, keyed by an idempotency key made at the
 * first tap (a double tap reuses it), then is sent to the REST API. The queue is replayed when
 * the connection comes back and on every page load, since some phone browsers have no
 * background sync. A replay refused with 401/403 (signed out meanwhile), 429 or 5xx stays
 * queued; a 409 (the day already has an entry) or a 400 is shown until the carer dismisses it.
 * Nothing is dropped without being sent or shown. Sign-out clears what was sent or shown, and
 * the pages this phone keeps for offline use. A save the API refuses is shown on the form
 * (form-errors.js). No library; no third-party request. */
(function () {
  "use strict";
  var QUEUE = "ifn-diary-queue-v1";
  var PAGES = "ifn-diary-pages";
  var LAST = "/diary/__last__";
  var body = document.body;
  var user = body.getAttribute("data-user");
  var configNode = document.getElementById("diary-config");
  var cfg = configNode ? JSON.parse(configNode.textContent) : null;
  var wordsNode = document.getElementById("queue-words");
  var words = wordsNode ? JSON.parse(wordsNode.textContent) : {};
  var formErrors = window.ifnFormErrors;  // form-errors.js, loaded before this file
  var flushing = null;
  var again = false;
  var retryLater = false, retryTimer = null, retryDelay = 2000;
  var notes = [];  /* lines that stay above the queue's own lines until the page changes */

  function load() {
    try { return JSON.parse(localStorage.getItem(QUEUE)) || {}; } catch (e) { return {}; }
  }
  function store(queue) { localStorage.setItem(QUEUE, JSON.stringify(queue)); }
  function update(key, change) {
    var queue = load();
    if (!queue[key]) return;
    Object.keys(change).forEach(function (name) { queue[key][name] = change[name]; });
    store(queue);
  }
  function mine() {
    var queue = load();
    return Object.keys(queue).map(function (key) { return queue[key]; })
      .filter(function (item) { return String(item.user) === user; })
      .sort(function (a, b) { return a.at < b.at ? -1 : 1; });
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join("-");
  }
  function csrf() {
    var match = document.cookie.match(/(?:^|; )(?:__Host-)?csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var input = document.querySelector("[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function localIso(d) {
    var off = -d.getTimezoneOffset(), sign = off >= 0 ? "+" : "-";
    off = Math.abs(off);
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + "T" +
      pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds()) +
      sign + pad(Math.floor(off / 60)) + ":" + pad(off % 60);
  }
  /* The server's words for a day: "Saturday 21 November", "11月21日(土)". */
  function dayWords(iso) {
    var lang = (cfg && cfg.lang) || document.documentElement.lang || "en";
    var d = new Date(iso + "T12:00:00Z");
    if (lang === "ja") {
      var short = new Intl.DateTimeFormat("ja", { weekday: "short", timeZone: "UTC" }).format(d);
      return (d.getUTCMonth() + 1) + "月" + d.getUTCDate() + "日(" + short + ")";
    }
    return new Intl.DateTimeFormat("en-GB", { weekday: "long", day: "numeric", month: "long", timeZone: "UTC" }).format(d);
  }
  function dayUrl(item) { return item.dayUrl.replace("0000-00-00", item.body.date); }

  /* The day the diary offers now in the patient's zone: last night's until the cut-off. */
  function offeredDay() {
    var parts = {};
    new Intl.DateTimeFormat("en-CA", {
      timeZone: cfg.timeZone, year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23"
    }).formatToParts(new Date()).forEach(function (p) { parts[p.type] = p.value; });
    var day = new Date(Date.UTC(+parts.year, +parts.month - 1, +parts.day));
    if (parts.hour + ":" + parts.minute < cfg.cutoff) day.setUTCDate(day.getUTCDate() - 1);
    return day.toISOString().slice(0, 10);
  }

  /* ---- the form ---------------------------------------------------------------------- */

  function collect(form) {
    var scores = {};
    Array.prototype.forEach.call(form.querySelectorAll("fieldset.item"), function (set) {
      var checked = set.querySelector("input[type=radio]:checked");
      scores[set.getAttribute("data-code")] = checked && checked.value !== "na" ? parseInt(checked.value, 10) : null;
    });
    var data = { date: form.elements.date.value, scores: scores, notes: form.elements.notes.value, captured_at: localIso(new Date()) };
    ["temperature_c", "sleep_hours"].forEach(function (name) {
      var field = form.elements[name];
      if (field && field.value.trim() !== "") data[name] = Number(field.value);
    });
    if (!navigator.onLine) data.source = "offline";
    return data;
  }

  /* Bands as in scoring: count the bounds at or below the value (sleep: fewer hours is worse). */
  function bandScore(name, value) {
    var reached = (cfg[name] || []).filter(function (b) { return value >= Number(b); }).length;
    return name === "fever" ? reached : 4 - reached;
  }

  function derive(input) {
    var name = input.getAttribute("data-derive");
    var code = name === "fever" ? "fever" : "sleep";
    var out = document.getElementById(name + "-derived");
    var set = input.form.querySelector('fieldset[data-code="' + code + '"]');
    var value = parseFloat(input.value);
    if (!cfg || !cfg[name] || isNaN(value) || !set) { if (out) out.textContent = ""; return; }
    var low = name === "fever" ? 30 : 0, high = name === "fever" ? 45 : 24;
    if (value < low || value > high) { out.textContent = ""; return; }
    var score = bandScore(name, value);
    var radio = set.querySelector('input[value="' + score + '"]');
    if (radio) radio.checked = true;
    var anchor = radio ? radio.parentNode.querySelector(".a").textContent : "";
    out.textContent = words[name] + ": " + score + " (" + anchor + ")";
  }

  function wire(form) {
    formErrors.wire(form);
    Array.prototype.forEach.call(form.querySelectorAll("[data-derive]"), function (input) {
      input.addEventListener("input", function () { derive(input); });
      if (input.value) derive(input);
    });
    if (form.hasAttribute("data-online-only")) {
      form.addEventListener("submit", function (event) {
        if (!navigator.onLine) { event.preventDefault(); note(words.correctOffline); return; }
        if (form.getAttribute("data-sent")) { event.preventDefault(); return; }
        form.setAttribute("data-sent", "1");
      });
      return;
    }
    if (form.id !== "diary-form" || !cfg || !user) return;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (form.getAttribute("data-key")) return;  // a second tap: the first is on its way
      formErrors.clear(form);
      var key = uuid();
      form.setAttribute("data-key", key);
      form.querySelector("button[type=submit]").disabled = true;
      var queue = load();
      queue[key] = {
        key: key, user: user, patient: cfg.patient, api: cfg.api, dayUrl: cfg.dayUrl,
        todayUrl: cfg.todayPage ? location.pathname : "", body: collect(form),
        status: "pending", at: new Date().toISOString()
      };
      store(queue);
      flush().then(function () {
        var item = load()[key];
        if (item && (item.status === "sent" || item.status === "conflict")) {
          if (item.status === "sent") update(key, { shown: true });
          location.assign(item.status === "sent" && item.todayUrl ? item.todayUrl : dayUrl(item));
        } else if (item && item.status === "rejected") {
          drop([key]);
          if (!formErrors.show(form, item.errors || [], words.checkAnswer)) note(words.rejected + " " + (item.detail || ""));
          render();  // the refusal is shown on the form now, not in the queue's lines
          form.removeAttribute("data-key");
          form.querySelector("button[type=submit]").disabled = false;
        } else {
          showWaiting();
        }
      });
    });
  }

  /* ---- sending ----------------------------------------------------------------------- */

  function send(item) {
    return fetch(item.api, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "Idempotency-Key": item.key, "X-CSRFToken": csrf() },
      body: JSON.stringify(item.body)
    }).then(function (response) {
      var s = response.status;
      if (s === 200 || s === 201) return update(item.key, { status: "sent", note: "" });
      if (s === 409) return update(item.key, { status: "conflict" });
      if (s === 400 || s === 404 || s === 413 || s === 422) {
        return response.json().catch(function () { return {}; }).then(function (problem) {
          update(item.key, { status: "rejected", detail: problemText(problem), errors: problem.errors || [] });
        });
      }
      var signedOut = s === 401 || s === 403;
      update(item.key, { note: signedOut ? "signin" : "" });
      if (!signedOut) retryLater = true;  // 429, 5xx: the server asked for patience
    }, function () { retryLater = true; /* no connection: stays queued */ });
  }

  /* RFC 9457 problem details: each field's message, named by its question where this page
   * shows it (never "temperature_c"), else the detail. */
  function problemText(problem) {
    var form = document.getElementById("diary-form");
    var parts = (problem.errors || []).map(function (e) {
      var question = form && e.field ? formErrors.question(form, e.field, words.checkAnswer) : null;
      return question ? question.label + ": " + question.message : e.detail;
    });
    return parts.length ? parts.join(" ") : (problem.detail || "");
  }

  /* Send every pending entry of this user, one after another. A call while a round is on its
   * way (the connection came back meanwhile) runs one more round after it, never in parallel. */
  function flush() {
    if (flushing) {
      again = true;
      return flushing;
    }
    again = false;
    retryLater = false;
    var pending = user ? mine().filter(function (item) { return item.status === "pending"; }) : [];
    flushing = pending.reduce(function (chain, item) {
      return chain.then(function () { return send(item); });
    }, Promise.resolve()).then(function () {
      flushing = null;
      if (again) return flush();
      render();
      scheduleRetry();
    });
    return flushing;
  }

  /* One bar of signal: a failed round is tried again while the page is open, waiting twice
   * as long each time (2 s up to a minute); a successful round starts again from 2 s. */
  function scheduleRetry() {
    clearTimeout(retryTimer);
    if (!retryLater) { retryDelay = 2000; return; }
    retryTimer = setTimeout(function () { if (navigator.onLine) flush(); else scheduleRetry(); }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 60000);
  }

  /* ---- showing the queue ------------------------------------------------------------- */

  function line(text, cls) {
    var p = document.createElement("p");
    if (cls) p.className = cls;
    p.textContent = text;
    return p;
  }
  function say(nodes) {
    var box = document.getElementById("queue");
    if (!box) return;
    box.textContent = "";
    notes.map(function (text) { return line(text); }).concat(nodes).forEach(function (n) { box.appendChild(n); });
    box.hidden = !box.firstChild;
  }
  function note(text) { notes.push(text); render(); }

  function render() {
    var items = mine(), nodes = [], reload = false;
    items.forEach(function (item) {
      var when = dayWords(item.body.date);
      if (item.status === "pending") {
        nodes.push(line(when + ": " + words.waiting + (item.note === "signin" ? ". " + words.signin : "")));
      } else if (item.status === "sent") {
        if (!item.shown) {
          nodes.push(line(when + ": " + words.sent, "sent"));
          update(item.key, { shown: true });
          if (cfg && cfg.patient === item.patient && cfg.day === item.body.date && document.getElementById("diary-form")) reload = true;
        }
      } else {
        var p = line(when + ": " + (item.status === "conflict" ? words.conflict : words.rejected + " " + (item.detail || "")));
        var open = document.createElement("a");
        open.href = dayUrl(item); open.textContent = words.open;
        var dismiss = document.createElement("button");
        dismiss.type = "button"; dismiss.textContent = words.dismiss;
        dismiss.addEventListener("click", function () { drop([item.key]); render(); });
        p.appendChild(document.createTextNode(" ")); p.appendChild(open); p.appendChild(dismiss);
        nodes.push(p);
        update(item.key, { shown: true });
      }
    });
    say(nodes);
    markWaitingDays(items);
    hideFormIfWaiting(items);
    if (reload && navigator.onLine) location.reload();
  }

  function showWaiting() { render(); }  // the offline banner says why it waits

  /* The page's list of days says "waiting to send" for a day kept on this phone, where the
   * server, which has not seen it yet, says "not filled in". */
  function markWaitingDays(items) {
    var list = document.querySelector("[data-day-list]");
    if (!list) return;
    items.forEach(function (item) {
      if (item.status !== "pending" || String(item.patient) !== list.getAttribute("data-day-list")) return;
      var status = list.querySelector('[data-day="' + item.body.date + '"] [data-day-status="missing"]');
      if (!status) return;
      status.textContent = words.waitingTag;
      status.className = "tag tag-waiting";
      status.setAttribute("data-day-status", "waiting");
    });
  }

  /* ---- the connection ---------------------------------------------------------------- */

  /* A banner as soon as the connection drops, on every page load while it stays down. */
  var banner = null;
  function showConnection() {
    if (!banner) return;
    var offline = !navigator.onLine;
    banner.textContent = offline ? words.offlineNow : "";
    banner.hidden = !offline;
    document.documentElement.classList.toggle("is-offline", offline);
  }
  function wireConnection() {
    var main = document.getElementById("main");
    if (!main || !words.offlineNow) return;
    banner = document.createElement("p");
    banner.id = "offline-banner";
    banner.className = "offline-banner";
    banner.setAttribute("role", "status");
    banner.hidden = true;
    main.insertBefore(banner, main.firstChild);
    showConnection();
    window.addEventListener("offline", showConnection);
  }

  /* An entry for this day already waits on the phone: do not offer a blank form for it. */
  function hideFormIfWaiting(items) {
    var form = document.getElementById("diary-form");
    if (!form || !cfg) return;
    var waiting = items.some(function (item) {
      return item.status === "pending" && item.patient === cfg.patient && item.body.date === form.elements.date.value;
    });
    form.hidden = waiting;
  }

  function drop(keys) {
    var queue = load();
    keys.forEach(function (key) { delete queue[key]; });
    store(queue);
  }

  /* ---- offline pages ----------------------------------------------------------------- */

  function keepThisPage() {
    if (!("caches" in window) || !cfg || !user || !navigator.onLine) return;
    fetch(location.href, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok || response.redirected) return;
      return response.blob().then(function (blob) {
        var headers = { "Content-Type": response.headers.get("Content-Type") || "text/html" };
        return caches.open(PAGES).then(function (cache) {
          var puts = [cache.put(location.href, new Response(blob, { headers: headers }))];
          if (cfg.todayPage) puts.push(cache.put(LAST, new Response(blob, { headers: headers })));
          return Promise.all(puts);
        });
      });
    }).catch(function () {});
  }

  /* A page kept from an earlier evening, opened offline, moves itself to the day offered now. */
  function rollOver() {
    if (!cfg || !cfg.todayPage || navigator.onLine) return;
    var day = offeredDay();
    if (day <= cfg.day) return;
    var form = document.getElementById("diary-form");
    var template = document.getElementById("rollover-form");
    if (template) {
      var saved = document.getElementById("saved-entry");
      form = template.content.firstElementChild.cloneNode(true);
      saved.parentNode.replaceChild(form, saved);
      template.parentNode.removeChild(template);
      wire(form);
    }
    if (!form) return;
    form.reset();
    form.elements.date.value = day;
    cfg.day = day;
    var heading = document.getElementById("day-heading");
    heading.className = "";
    heading.textContent = dayWords(day);
    notes.push(words.staleDay + " " + dayWords(day) + ".");
  }

  /* ---- sign-out ---------------------------------------------------------------------- */

  function wireSignOut() {
    var form = document.getElementById("signout");
    if (!form) return;
    form.addEventListener("submit", function (event) {
      if (form.getAttribute("data-ready")) return;
      event.preventDefault();
      var done = function () {
        var finished = mine().filter(function (item) { return item.status !== "pending"; });
        drop(finished.map(function (item) { return item.key; }));
        var clear = "caches" in window ? caches.delete(PAGES).catch(function () {}) : Promise.resolve();
        clear.then(function () { form.setAttribute("data-ready", "1"); form.submit(); });
      };
      (navigator.onLine ? flush() : Promise.resolve()).then(done, done);
    });
  }

  /* ---- start ------------------------------------------------------------------------- */

  if ("serviceWorker" in navigator) {
    var fresh = !navigator.serviceWorker.controller;
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function () { if (fresh) keepThisPage(); }).catch(function () {});
  }
  Array.prototype.forEach.call(document.querySelectorAll("form.diary-form"), wire);
  // The CSP allows no inline handlers: buttons that print say so with data-print.
  Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  wireSignOut();
  wireConnection();
  rollOver();
  render();
  flush();
  window.addEventListener("online", function () {
    showConnection();
    flush();
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && navigator.onLine) flush();
  });
}());
