/* examsite: the test page and the result page. Plain ES5 so old desktop browsers and phones run it.
 *
 * Every change is saved at once. A change the server has not acknowledged stays in
 * localStorage and is sent again until it is, or until the server says time is up: no other
 * failure throws an answer away. Each save carries the page's save token (X-Save-Token), and
 * names its writer (random for each page load) and that writer's change number: the server
 * orders one writer's changes by the number and another writer's by arrival, never by a
 * browser's clock, and answers "superseded" for a change older than one of the same writer's
 * it has stored. A refused token (the login ended: logout, a new password, another key on the
 * server) keeps every answer: the page asks the clock for a fresh token every few seconds,
 * which it gets once the examinee has logged in again in another window, and sends them.
 * Handing in goes through XMLHttpRequest too: the answers still unsaved are sent first, and a
 * hand-in the network loses is kept and sent again, never an error page (without JavaScript
 * the form posts it). The countdown runs from the seconds the server gave and asks the server
 * again every minute and at zero (an admin may have given more time); the server alone decides.
 * What the browser could not get acknowledged before the attempt ended is listed on the
 * result page, then forgotten.
 */
(function () {
  "use strict";
  var PREFIX = "examsite:attempt:";

  function parse(text, fallback) {
    try { return JSON.parse(text) || fallback; } catch (e) { return fallback; }
  }
  function loadKey(name, fallback) {
    try { return parse(window.localStorage.getItem(name), fallback); } catch (e) { return fallback; }
  }
  function storeKey(name, value) {
    try { window.localStorage.setItem(name, JSON.stringify(value)); } catch (e) { /* private mode: keep in memory */ }
  }
  function forgetKey(name) {
    try { window.localStorage.removeItem(name); } catch (e) { /* nothing kept */ }
  }
  function own(object, name) { return Object.prototype.hasOwnProperty.call(object, name); }

  // A change as [writer, seq]; an older page's record was the seq alone (of no named writer).
  function mark(value) {
    if (value && typeof value === "object" && own(value, "length")) { return value; }
    if (value && typeof value === "object") { return [value.writer || null, value.seq]; }
    return [null, value];
  }

  // The result page: which answers never reached the server (kept by the test page, and
  // whatever is still pending), unless the server has that change, or a later one of the same
  // writer, stored after all.
  function resultPage(note) {
    var key = PREFIX + note.getAttribute("data-attempt");
    var order = parse(note.getAttribute("data-order"), []);
    var stored = parse(note.getAttribute("data-stored"), {});
    var lost = loadKey(key + ":lost", {});
    var pending = loadKey(key + ":pending", {});
    for (var id in pending) {
      if (own(pending, id)) { lost[id] = mark(pending[id]); }
    }
    var numbers = [];
    for (var i = 0; i < order.length; i++) {
      var qid = String(order[i]);
      if (!own(lost, qid)) { continue; }
      var gone = mark(lost[qid]), kept = own(stored, qid) ? mark(stored[qid]) : null;
      if (!(kept && kept[0] === gone[0] && kept[1] >= gone[1])) { numbers.push(i + 1); }
    }
    if (numbers.length) {
      note.textContent = "以下题目的答案服务器没有收到：第 " + numbers.join("、") + " 题。";
      note.removeAttribute("hidden");
    }
    var names = ["lost", "pending", "submit", "flags"];
    for (var n = 0; n < names.length; n++) { forgetKey(key + ":" + names[n]); }
  }
  var note = document.getElementById("unsaved-note");
  if (note) { resultPage(note); return; }

  var root = document.getElementById("paper");
  if (!root) { return; }
  var saveUrl = root.getAttribute("data-save-url");
  // 开始答题 answers with this page itself: show its own address, so that a reload asks for
  // the page and never posts the start form again
  var pageUrl = root.getAttribute("data-page-url");
  if (pageUrl && window.history && window.history.replaceState && window.location.pathname !== pageUrl) {
    try { window.history.replaceState(null, "", pageUrl); } catch (e) { /* the address stays; a reload resumes */ }
  }
  var resultUrl = root.getAttribute("data-result-url");
  var clockUrl = root.getAttribute("data-clock-url");
  var csrf = root.getAttribute("data-csrf");
  var saveToken = root.getAttribute("data-save-token");
  var form = document.getElementById("submit-form");
  var key = PREFIX + root.getAttribute("data-attempt");
  var deadline = new Date().getTime() + parseInt(root.getAttribute("data-remaining"), 10) * 1000;
  var closed = false;      // the attempt has ended: on to the result page
  var stopped = false;     // the countdown reached zero: no more input, unless the server gives more time
  var offline = false;     // the last request failed for want of a network
  var submitting = false;  // "user" or "auto" once a hand-in is asked for, until the server takes it
  var submitInFlight = false;
  var loginLost = false;   // the server refused the save token: asking the clock for a fresh one
  var tokenTimer = null;
  var sending = {};
  var sentWith = {};       // question id → the save token its last save went with
  var lastSeq = 0;         // this writer's changes, counted
  var writer = randomWriter();

  // This page's name as a writer: random for each page load (a duplicated tab or a reload is
  // another writer, so two pages never count the same numbers).
  function randomWriter() {
    var hex = "", i, bytes = null;
    try {
      bytes = new window.Uint8Array(8);
      (window.crypto || window.msCrypto).getRandomValues(bytes);
      for (i = 0; i < bytes.length; i++) { hex += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16); }
    } catch (e) { hex = ""; }
    while (hex.length < 16) { hex += Math.floor(Math.random() * 16).toString(16); }
    return hex + new Date().getTime().toString(36);
  }

  function load(name, fallback) { return loadKey(key + ":" + name, fallback); }
  function store(name, value) { storeKey(key + ":" + name, value); }
  var pending = load("pending", {});
  var flags = load("flags", {});

  function questions() { return root.querySelectorAll("section.question"); }
  function section(id) { return root.querySelector('section.question[data-id="' + id + '"]'); }

  // data-response is the shape of a response its question type takes (examsite/qtypes):
  // "letters" (the option letters checked), "truth" (true/false) or "text" (one string an input).
  function responseOf(sec) {
    var kind = sec.getAttribute("data-response");
    var inputs = sec.querySelectorAll(".answer-input");
    var i, letters = "", values = [], any = false;
    if (kind === "text") {
      for (i = 0; i < inputs.length; i++) { values.push(inputs[i].value); if (inputs[i].value.replace(/\s+/g, "")) { any = true; } }
      return any ? values : null;
    }
    for (i = 0; i < inputs.length; i++) {
      if (inputs[i].checked) {
        if (kind === "truth") { return inputs[i].value === "true"; }
        letters += inputs[i].value;
      }
    }
    return letters ? letters.split("").sort().join("") : null;
  }

  function show(sec, response) {
    var kind = sec.getAttribute("data-response");
    var inputs = sec.querySelectorAll(".answer-input");
    for (var i = 0; i < inputs.length; i++) {
      if (kind === "text") { inputs[i].value = response && response[i] ? response[i] : ""; }
      else if (kind === "truth") { inputs[i].checked = response !== null && String(response) === inputs[i].value; }
      else { inputs[i].checked = !!response && response.indexOf(inputs[i].value) >= 0; }
    }
  }

  function setState(id, text, cls) {
    var el = document.getElementById("state-" + id);
    if (el) { el.textContent = text; el.className = "save-state " + (cls || ""); }
    refreshMap();
  }

  function refreshMap() {
    var secs = questions();
    for (var i = 0; i < secs.length; i++) {
      var id = secs[i].getAttribute("data-id");
      var item = document.getElementById("map-" + id);
      if (!item) { continue; }
      var cls = "map-item";
      if (responseOf(secs[i]) !== null) { cls += " answered"; }
      if (flags[id]) { cls += " flagged"; }
      if (pending[id]) { cls += " unsaved"; }
      if (secs[i].className.indexOf(" current") >= 0) { cls += " current"; }
      item.className = cls;
    }
  }

  function unsavedNumbers() {
    var numbers = [];
    for (var id in pending) {
      if (own(pending, id) && section(id)) { numbers.push(parseInt(section(id).getAttribute("data-number"), 10)); }
    }
    return numbers.sort(function (a, b) { return a - b; });
  }

  function networkNote() {
    if (closed) { return; }
    var numbers = unsavedNumbers(), text = "";
    var which = numbers.length ? "第 " + numbers.join("、") + " 题" : "";
    if (loginLost) {
      text = "登录已失效，请在新窗口重新登录后回到本页，" +
        (submitting ? "交卷请求" + (numbers.length ? "和尚未保存的答案（" + which + "）" : "") :
          numbers.length ? "尚未保存的答案（" + which + "）" : "答案") +
        "保留在本机，会自动补发。请不要关闭本页。";
    } else if (submitting && offline) {
      text = "网络中断，交卷请求已保留，恢复连接后会自动提交。" +
        (numbers.length ? "以下题目的答案尚未保存到服务器：" + which + "。" : "") + "请不要关闭页面。";
    } else if (submitting) {
      text = numbers.length ? "正在保存" + which + "的答案，保存后交卷…" : "正在交卷…";
    } else if (numbers.length) {
      text = "有 " + numbers.length + " 道题的答案尚未保存到服务器（" + which + "），网络恢复后会自动重发，请不要关闭页面。";
    }
    var el = document.getElementById("network-state");
    el.textContent = text;
    el.className = submitting || loginLost ? "alert alert-warning py-1 px-2 mt-1 mb-0" : "small text-danger";
  }

  function nextSeq() {
    lastSeq += 1;
    return lastSeq;
  }

  function hasPending() {
    for (var id in pending) { if (own(pending, id)) { return true; } }
    return false;
  }

  function changed(sec) {
    if (closed || stopped) { return; }
    var id = sec.getAttribute("data-id");
    pending[id] = { response: responseOf(sec), seq: nextSeq(), writer: writer };
    store("pending", pending);
    setState(id, "保存中…", "text-muted");
    send(id);
  }

  function send(id) {
    var entry = pending[id];
    if (!entry || sending[id] || closed) { return; }
    sending[id] = true;
    var xhr = new XMLHttpRequest();
    xhr.open("POST", saveUrl, true);
    xhr.setRequestHeader("Content-Type", "application/json");
    xhr.setRequestHeader("X-Save-Token", saveToken || "");
    xhr.timeout = 15000;
    xhr.onreadystatechange = function () {
      if (xhr.readyState !== 4) { return; }
      sending[id] = false;
      var body = {};
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = {}; }
      if (xhr.status === 200 && (body.saved || body.superseded)) {
        // stored, or superseded: a change of this page's as new or newer is stored
        offline = false;
        if (pending[id] && pending[id].writer === entry.writer && pending[id].seq <= entry.seq) {
          delete pending[id]; store("pending", pending);
        }
        setState(id, "已保存", "text-success");
        if (typeof body.remaining === "number") { setRemaining(body.remaining, 30000); }
        if (pending[id]) { send(id); }
      } else if (xhr.status === 409) {
        finish(body.error || "答题时间已到。");
      } else if (xhr.status === 401) {
        offline = false;
        setState(id, "未保存（请重新登录）", "text-danger");
        if (sentWith[id] !== saveToken) { send(id); }  // a fresh token came meanwhile
        else { loginLost = true; waitForToken(); }
      } else if (xhr.status === 400) {
        offline = false;  // kept, and sent again with the others
        setState(id, "未保存：" + (body.error || "请求无效。"), "text-danger");
      } else {
        offline = xhr.status === 0 || xhr.status >= 500;
        setState(id, "未保存（等待网络）", "text-danger");
        setTimeout(function () { send(id); }, 3000);
      }
      networkNote();
      if (submitting && !hasPending()) { trySubmit(); }
    };
    sentWith[id] = saveToken;
    xhr.send(JSON.stringify({ question: parseInt(id, 10), response: entry.response, seq: entry.seq,
                              writer: entry.writer }));
  }

  // After a refused token: ask the clock every few seconds until it gives a fresh one (once
  // the examinee has logged in again, in another window), then send what is unsaved.
  function waitForToken() {
    networkNote();
    if (tokenTimer || closed) { return; }
    tokenTimer = setTimeout(function () { tokenTimer = null; if (loginLost) { checkClock(false); } }, 5000);
  }

  function tokenGiven(token, csrfToken) {
    if (csrfToken) { csrf = csrfToken; }
    if (!token) { return; }
    saveToken = token;
    if (loginLost) {
      loginLost = false;
      networkNote();
      resendAll();
      trySubmit();
    }
  }

  function resendAll() { for (var id in pending) { if (own(pending, id)) { send(id); } } }

  // The attempt has ended: what is still unacknowledged is kept for the result page to name.
  function finish(message, url) {
    if (closed) { return; }
    closed = true;
    var lost = load("lost", {});
    for (var id in pending) { if (own(pending, id)) { lost[id] = [pending[id].writer, pending[id].seq]; } }
    store("lost", lost);
    pending = {};
    forgetKey(key + ":pending");
    forgetKey(key + ":submit");
    var el = document.getElementById("network-state");
    el.textContent = message || "";
    window.location.href = url || resultUrl;
  }

  // Hand in: the answers still unsaved first, then the hand-in itself, again and again until
  // the server takes it. Kept in localStorage, so a reload carries on with it.
  function requestSubmit(how) {
    if (closed) { return; }
    if (!submitting || how === "user") { submitting = how; store("submit", how); }
    document.getElementById("submit-button").disabled = true;
    trySubmit();
  }

  function cancelSubmit() {
    submitting = false;
    forgetKey(key + ":submit");
    document.getElementById("submit-button").disabled = false;
    networkNote();
  }

  function trySubmit() {
    if (!submitting || closed || submitInFlight) { return; }
    if (hasPending()) {  // send() comes back here when done
      if (!loginLost) { resendAll(); }
      networkNote();
      return;
    }
    if (loginLost) { networkNote(); return; }  // tokenGiven() comes back here
    submitInFlight = true;
    networkNote();
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.getAttribute("action"), true);
    xhr.setRequestHeader("Content-Type", "application/x-www-form-urlencoded");
    xhr.setRequestHeader("Accept", "application/json");
    xhr.timeout = 20000;
    xhr.onreadystatechange = function () {
      if (xhr.readyState !== 4) { return; }
      submitInFlight = false;
      var body = null;
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
      if (xhr.status === 200 && body && body.closed) {
        finish("已交卷。", body.result_url);
      } else if (xhr.status === 0 || xhr.status >= 500) {
        offline = true;
        networkNote();
        setTimeout(trySubmit, 3000);
      } else if (xhr.status === 401 || (xhr.responseURL && xhr.responseURL.indexOf("/login") >= 0)) {
        loginLost = true;  // kept: handed in once a new login gives a fresh token
        waitForToken();
      } else if (body && body.error) {
        offline = false;
        cancelSubmit();
        document.getElementById("network-state").textContent = "交卷没有成功：" + body.error;
      } else {
        // not an answer of this page's (the login has ended, say): let the server's own page say it
        closed = true;
        forgetKey(key + ":submit");
        form.submit();
      }
    };
    xhr.send("csrf_token=" + encodeURIComponent(csrf));
  }

  // Ask the server how long is left. At zero, unless it gave more time, hand in.
  function checkClock(atZero) {
    if (closed) { return; }
    var xhr = new XMLHttpRequest();
    xhr.open("GET", clockUrl, true);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.timeout = 15000;
    xhr.onreadystatechange = function () {
      if (xhr.readyState !== 4) { return; }
      var body = null;
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
      if (xhr.status !== 200 || !body) {
        if (atZero) { requestSubmit("auto"); }  // kept and retried
        if (loginLost) { waitForToken(); }  // not logged in again yet: ask again
        return;
      }
      offline = false;
      if (body.closed) { finish("本次答题已经结束。"); return; }
      tokenGiven(body.save_token, body.csrf_token);
      setRemaining(body.remaining, 2000);
      if (body.remaining > 0) {
        if (stopped) { resume(); }
        if (submitting === "auto" && !submitInFlight) { cancelSubmit(); }
      } else if (atZero) {
        requestSubmit("auto");
      }
    };
    xhr.send();
  }

  // The server's word on the time left, in whole seconds and late by the network's delay: it
  // moves the countdown only when it differs by more than ``slack`` milliseconds (a save's
  // reply: only when an admin has given more time or ended the test).
  function setRemaining(seconds, slack) {
    var told = new Date().getTime() + seconds * 1000;
    if (Math.abs(told - deadline) > slack) { deadline = told; }
  }

  function setInputs(enabled) {
    var all = root.querySelectorAll(".answer-input");
    for (var i = 0; i < all.length; i++) { all[i].disabled = !enabled; }
  }
  function stop() { stopped = true; setInputs(false); }
  function resume() { stopped = false; setInputs(true); }

  // restore answers this browser has not yet got acknowledged: they are newer than the page,
  // and are this page's changes now (numbered as its own)
  for (var pid in pending) {
    if (own(pending, pid) && section(pid)) {
      show(section(pid), pending[pid].response);
      pending[pid] = { response: pending[pid].response, seq: nextSeq(), writer: writer };
      setState(pid, "未保存（等待网络）", "text-danger");
    }
  }
  store("pending", pending);

  root.addEventListener("change", function (event) {
    var target = event.target;
    if (target.className.indexOf("flag") >= 0) {
      flags[target.getAttribute("data-id")] = target.checked;
      store("flags", flags);
      refreshMap();
      return;
    }
    if (target.className.indexOf("answer-input") >= 0) {
      var sec = target;
      while (sec && sec.tagName !== "SECTION") { sec = sec.parentNode; }
      if (sec) { changed(sec); }
    }
  });
  // Answers given before this script ran (a slow line, an old PC) differ from what the page was
  // served with: send them now, or they would wait for the next change.
  function differsFromServed(sec) {
    var inputs = sec.querySelectorAll(".answer-input");
    for (var i = 0; i < inputs.length; i++) {
      var el = inputs[i];
      var boxed = el.type === "checkbox" || el.type === "radio";
      if (boxed ? el.checked !== el.defaultChecked : el.value !== el.defaultValue) { return true; }
    }
    return false;
  }
  var served = questions();
  for (var k = 0; k < served.length; k++) {
    if (!own(pending, served[k].getAttribute("data-id")) && differsFromServed(served[k])) { changed(served[k]); }
  }
  var flagBoxes = root.querySelectorAll(".flag");
  for (var f = 0; f < flagBoxes.length; f++) { flagBoxes[f].checked = !!flags[flagBoxes[f].getAttribute("data-id")]; }

  // one question at a time, or all on one page
  var single = load("one-at-a-time", false);
  var current = 0;
  function layout() {
    var secs = questions();
    for (var i = 0; i < secs.length; i++) {
      secs[i].style.display = single && i !== current ? "none" : "";
      secs[i].className = secs[i].className.replace(" current", "") + (single && i === current ? " current" : "");
    }
    var steps = root.querySelectorAll(".step");
    for (var s = 0; s < steps.length; s++) { steps[s].style.display = single ? "" : "none"; }
    document.getElementById("mode-toggle").textContent = single ? "整卷显示" : "逐题作答";
    refreshMap();
  }
  function go(index) {
    var secs = questions();
    current = Math.max(0, Math.min(secs.length - 1, index));
    layout();
    if (single) { secs[current].querySelector("input").focus(); }
  }
  document.getElementById("mode-toggle").addEventListener("click", function () {
    single = !single; store("one-at-a-time", single); layout();
  });
  document.getElementById("prev-question").addEventListener("click", function () { go(current - 1); });
  document.getElementById("next-question").addEventListener("click", function () { go(current + 1); });
  var mapItems = root.querySelectorAll(".map-item");
  for (var m = 0; m < mapItems.length; m++) {
    mapItems[m].addEventListener("click", function (event) {
      if (!single) { return; }
      event.preventDefault();
      var sec = section(this.getAttribute("data-id"));
      go(parseInt(sec.getAttribute("data-number"), 10) - 1);
    });
  }

  form.addEventListener("submit", function (event) {
    if (closed) { return; }
    event.preventDefault();
    if (submitting === "user") { return; }
    var missing = [], secs = questions();
    for (var i = 0; i < secs.length; i++) { if (responseOf(secs[i]) === null) { missing.push(secs[i].getAttribute("data-number")); } }
    var text = missing.length ? "以下题目尚未作答：第 " + missing.join("、") + " 题。\n确定要交卷吗？" : "确定要交卷吗？交卷后不能再修改。";
    if (window.confirm(text)) { requestSubmit("user"); }
  });

  function tick() {
    var left = Math.max(0, Math.round((deadline - new Date().getTime()) / 1000));
    var minutes = Math.floor(left / 60), seconds = left % 60;
    var el = document.getElementById("countdown");
    el.textContent = (minutes < 10 ? "0" : "") + minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
    el.className = "countdown" + (left <= 300 ? " text-danger fw-bold" : "");
    if (left <= 0 && !stopped && !closed) {
      stop();  // no more input; what was given before is still sent
      checkClock(true);
    }
    if (!closed) { setTimeout(tick, 1000); }
  }

  function retry() { if (!loginLost) { resendAll(); } trySubmit(); }
  window.addEventListener("online", retry);
  setInterval(retry, 10000);
  setInterval(function () { checkClock(false); }, 60000);
  layout();
  networkNote();
  resendAll();
  var kept = load("submit", false);
  if (kept === "user" || kept === "auto") { requestSubmit(kept); }  // asked for before a reload
  tick();
}());
