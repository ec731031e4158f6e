/* The live page of a test refreshes itself from live.json every 15 seconds (ES5, no library).
   Ticked boxes stay ticked across refreshes. (Forms marked data-confirm ask first: confirm.js.) */
(function () {
  var status = document.getElementById("live-status");
  if (!status || !window.XMLHttpRequest) { return; }
  var url = status.getAttribute("data-url");
  var labels = {not_started: "未开始", in_progress: "答题中", submitted: "已交卷", absent: "未参加"};
  var keys = ["not_started", "in_progress", "submitted", "absent"];

  function text(value) { return document.createTextNode(value === null || value === undefined ? "" : String(value)); }
  function cell(row, value, right) {
    var td = document.createElement("td");
    if (right) { td.className = "text-end"; }
    td.appendChild(text(value));
    row.appendChild(td);
    return td;
  }
  function clock(iso) {
    if (!iso) { return ""; }
    var at = new Date(iso);
    var beijing = new Date(at.getTime() + 8 * 3600 * 1000);
    function two(n) { return n < 10 ? "0" + n : "" + n; }
    return two(beijing.getUTCHours()) + ":" + two(beijing.getUTCMinutes()) + ":" + two(beijing.getUTCSeconds());
  }
  function ticked() {
    var found = {}, boxes = document.querySelectorAll("#live-people input[name=attempt_id]:checked");
    for (var i = 0; i < boxes.length; i++) { found[boxes[i].value] = true; }
    return found;
  }
  function render(data) {
    var units = document.querySelector("#live-units tbody");
    var foot = document.querySelector("#live-units tfoot tr");
    units.innerHTML = "";
    for (var u = 0; u < data.units.length; u++) {
      var unit = data.units[u], row = document.createElement("tr");
      var name = document.createElement("td"), link = document.createElement("a");
      link.href = window.location.pathname + "?unit=" + encodeURIComponent(unit.unit);
      link.appendChild(text(unit.unit));
      name.appendChild(link);
      row.appendChild(name);
      cell(row, unit.expected, true);
      for (var k = 0; k < keys.length; k++) { cell(row, unit[keys[k]], true).setAttribute("data-key", keys[k]); }
      units.appendChild(row);
    }
    foot.innerHTML = "";
    cell(foot, "合计");
    cell(foot, data.total.expected, true);
    for (var t = 0; t < keys.length; t++) { cell(foot, data.total[keys[t]], true); }

    var keep = ticked(), body = document.querySelector("#live-people tbody");
    body.innerHTML = "";
    for (var p = 0; p < data.people.length; p++) {
      var person = data.people[p], line = document.createElement("tr");
      line.setAttribute("data-status", person.status);
      var box = document.createElement("td");
      if (person.status === "in_progress") {
        var input = document.createElement("input");
        input.type = "checkbox"; input.name = "attempt_id"; input.value = person.attempt_id;
        input.className = "form-check-input";
        input.setAttribute("aria-label", "选择 " + person.name);
        input.checked = !!keep[String(person.attempt_id)];
        box.appendChild(input);
      }
      line.appendChild(box);
      cell(line, person.staff_no); cell(line, person.name); cell(line, person.unit);
      cell(line, labels[person.status]);
      cell(line, person.answered + " / " + person.questions, true);
      cell(line, clock(person.last_saved));
      cell(line, person.remaining === null ? "" : Math.floor(person.remaining / 60) + " 分 " + (person.remaining % 60) + " 秒", true);
      var view = document.createElement("td");
      if (person.attempt_id) {
        var a = document.createElement("a");
        a.href = "/exams/attempt/" + person.attempt_id;
        a.appendChild(text("答卷"));
        view.appendChild(a);
      }
      line.appendChild(view);
      body.appendChild(line);
    }
    var matching = document.getElementById("live-matching");
    matching.innerHTML = "";
    matching.appendChild(text("符合条件 " + data.matching + " 人" +
      (data.matching > data.people.length ? "，只列出前 " + data.people.length + " 人，请按单位或状态筛选" : "") + "。"));
    status.innerHTML = "";
    status.appendChild(text("更新于 " + clock(data.at) + "，每 15 秒自动刷新"));
  }
  function refresh() {
    var request = new XMLHttpRequest();
    request.open("GET", url, true);
    request.setRequestHeader("Accept", "application/json");
    request.onload = function () {
      if (request.status === 200) {
        try { render(JSON.parse(request.responseText)); } catch (e) { /* keep what is shown */ }
      } else {
        status.innerHTML = "";
        status.appendChild(text("刷新失败（" + request.status + "），稍后重试"));
      }
    };
    request.onerror = function () {
      status.innerHTML = "";
      status.appendChild(text("网络中断，稍后重试"));
    };
    request.send();
  }
  window.setInterval(refresh, 15000);
  window.examsiteLiveRefresh = refresh;  // the browser tests refresh at once instead of waiting
})();
