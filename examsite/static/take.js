/* examsite: the test page. Plain ES5 so old desktop browsers and phones run it.
 *
 * Every change is saved at once. A change the server has not acknowledged stays in
 * localStorage and is sent again until it is, or until the server says time is up.
 * The countdown runs from the seconds the server gave; the server alone decides.
 */
(function () {
  "use strict";
  var root = document.getElementById("paper");
  if (!root) { return; }
  var saveUrl = root.getAttribute("data-save-url");
  var resultUrl = root.getAttribute("data-result-url");
  var csrf = root.getAttribute("data-csrf");
  var key = "examsite:attempt:" + root.getAttribute("data-attempt");
  var deadline = new Date().getTime() + parseInt(root.getAttribute("data-remaining"), 10) * 1000;
  var closed = false;
  var sending = {};
  var lastSeq = 0;

  function load(name, fallback) {
    try { return JSON.parse(window.localStorage.getItem(key + ":" + name)) || fallback; } catch (e) { return fallback; }
  }
  function store(name, value) {
    try { window.localStorage.setItem(key + ":" + name, JSON.stringify(value)); } catch (e) { /* private mode: keep in memory */ }
  }
  var pending = load("pending", {});
  var flags = load("flags", {});

  function questions() { return root.querySelectorAll("section.question"); }
  function section(id) { return root.querySelector('section.question[data-id="' + id + '"]'); }

  function responseOf(sec) {
    var type = sec.getAttribute("data-type");
    var inputs = sec.querySelectorAll(".answer-input");
    var i, letters = "", values = [], any = false;
    if (type === "fill") {
      for (i = 0; i < inputs.length; i++) { values.push(inputs[i].value); if (inputs[i].value.replace(/\s+/g, "")) { any = true; } }
      return any ? values : null;
    }
    for (i = 0; i < inputs.length; i++) {
      if (inputs[i].checked) {
        if (type === "judge") { return inputs[i].value === "true"; }
        letters += inputs[i].value;
      }
    }
    return letters ? letters.split("").sort().join("") : null;
  }

  function show(sec, response) {
    var type = sec.getAttribute("data-type");
    var inputs = sec.querySelectorAll(".answer-input");
    for (var i = 0; i < inputs.length; i++) {
      if (type === "fill") { inputs[i].value = response && response[i] ? response[i] : ""; }
      else if (type === "judge") { inputs[i].checked = response !== null && String(response) === inputs[i].value; }
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

  function networkNote() {
    var count = 0;
    for (var id in pending) { if (pending.hasOwnProperty(id)) { count++; } }
    document.getElementById("network-state").textContent =
      count ? "有 " + count + " 道题的答案尚未保存到服务器，网络恢复后会自动重发，请不要关闭页面。" : "";
  }

  function nextSeq() {
    lastSeq = Math.max(new Date().getTime(), lastSeq + 1);
    return lastSeq;
  }

  function changed(sec) {
    if (closed) { return; }
    var id = sec.getAttribute("data-id");
    pending[id] = { response: responseOf(sec), seq: nextSeq() };
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
    xhr.setRequestHeader("X-CSRFToken", csrf);
    xhr.timeout = 15000;
    xhr.onreadystatechange = function () {
      if (xhr.readyState !== 4) { return; }
      sending[id] = false;
      var body = {};
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = {}; }
      if (xhr.status === 200 && body.saved) {
        if (pending[id] && pending[id].seq <= body.seq) { delete pending[id]; store("pending", pending); }
        setState(id, "已保存", "text-success");
        if (pending[id]) { send(id); }
      } else if (xhr.status === 409) {
        finish(body.error || "答题时间已到。");
      } else if (xhr.status === 400) {
        delete pending[id]; store("pending", pending);
        setState(id, body.error || "答案没有保存。", "text-danger");
      } else {
        setState(id, "未保存（等待网络）", "text-danger");
        setTimeout(function () { send(id); }, 3000);
      }
      networkNote();
    };
    xhr.send(JSON.stringify({ question: parseInt(id, 10), response: entry.response, seq: entry.seq }));
  }

  function resendAll() { for (var id in pending) { if (pending.hasOwnProperty(id)) { send(id); } } }

  function finish(message) {
    if (closed) { return; }
    closed = true;
    document.getElementById("network-state").textContent = message;
    window.location.href = resultUrl;
  }

  // restore answers this browser has not yet got acknowledged: they are newer than the page
  for (var pid in pending) {
    if (pending.hasOwnProperty(pid) && section(pid)) {
      show(section(pid), pending[pid].response);
      lastSeq = Math.max(lastSeq, pending[pid].seq);
      setState(pid, "未保存（等待网络）", "text-danger");
    }
  }

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

  document.getElementById("submit-form").addEventListener("submit", function (event) {
    if (closed) { return; }
    var missing = [], secs = questions();
    for (var i = 0; i < secs.length; i++) { if (responseOf(secs[i]) === null) { missing.push(secs[i].getAttribute("data-number")); } }
    var text = missing.length ? "以下题目尚未作答：第 " + missing.join("、") + " 题。\n确定要交卷吗？" : "确定要交卷吗？交卷后不能再修改。";
    if (!window.confirm(text)) { event.preventDefault(); }
  });

  function tick() {
    var left = Math.max(0, Math.round((deadline - new Date().getTime()) / 1000));
    var minutes = Math.floor(left / 60), seconds = left % 60;
    var el = document.getElementById("countdown");
    el.textContent = (minutes < 10 ? "0" : "") + minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
    el.className = "countdown" + (left <= 300 ? " text-danger fw-bold" : "");
    if (left <= 0 && !closed) {
      closed = true;
      document.getElementById("submit-form").submit();  // the server closes it at the deadline anyway
      return;
    }
    setTimeout(tick, 1000);
  }

  window.addEventListener("online", resendAll);
  setInterval(resendAll, 10000);
  layout();
  networkNote();
  resendAll();
  tick();
}());
