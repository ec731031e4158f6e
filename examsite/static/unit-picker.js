/* Tree of checkboxes for choosing units (templates/_unit_picker.html). ES5, no dependencies.
 *
 * Without this script the boxes are plain checkboxes and submit as they are. With it:
 * - 含下级: ticking a unit ticks every unit below it; unticking a unit unticks it, the units below it
 *   and the units above it (a ticked unit above would still include it). On the test form this is
 *   always on (data-cascade="always"); on the draw form a checkbox turns it on and off
 *   (data-cascade = that checkbox's id); tiers have none (data-cascade="none").
 * - 全选 / 全不选 act on every item, or, while the filter box holds text, on the items it found.
 * - The filter box shows the units whose names contain the text typed, with the units above them.
 * - A count of the ticked items.
 */
(function () {
  "use strict";

  function hasClass(el, name) {
    return (" " + el.className + " ").indexOf(" " + name + " ") !== -1;
  }

  function setClass(el, name, on) {
    var present = hasClass(el, name);
    if (on && !present) {
      el.className = el.className ? el.className + " " + name : name;
    } else if (!on && present) {
      el.className = (" " + el.className + " ").replace(" " + name + " ", " ").replace(/^\s+|\s+$/g, "");
    }
  }

  function first(root, selector) {
    return root.querySelector(selector);
  }

  function Picker(root) {
    var self = this;
    var rows = root.querySelectorAll(".unit-picker-item");
    var i;
    this.root = root;
    this.items = [];
    for (i = 0; i < rows.length; i += 1) {
      this.items.push({
        row: rows[i],
        box: rows[i].querySelector("input[type=checkbox]"),
        depth: parseInt(rows[i].getAttribute("data-depth"), 10) || 0,
        name: (rows[i].textContent || rows[i].innerText || "").replace(/^\s+|\s+$/g, "").toLowerCase(),
        matched: true
      });
    }
    this.mode = root.getAttribute("data-cascade") || "none";
    this.toggle = this.mode !== "always" && this.mode !== "none" ? document.getElementById(this.mode) : null;
    this.filterBox = first(root, ".unit-picker-filter");
    this.count = first(root, ".unit-picker-count");
    this.noun = root.getAttribute("data-noun") || "项";
    this.filtering = false;

    var tools = first(root, ".unit-picker-tools");
    if (tools) {
      setClass(tools, "d-none", false);
    }
    for (i = 0; i < this.items.length; i += 1) {
      this.items[i].box.setAttribute("data-index", String(i));
    }
    root.addEventListener("change", function (event) {
      var target = event.target || event.srcElement;
      if (target === self.toggle) {
        if (target.checked) {
          self.cascadeAll();
        }
      } else if (target.getAttribute && target.getAttribute("data-index") !== null) {
        self.ticked(parseInt(target.getAttribute("data-index"), 10));
      }
      self.showCount();
    }, false);
    root.addEventListener("click", function (event) {
      var target = event.target || event.srcElement;
      var pick = target.getAttribute && target.getAttribute("data-pick");
      if (pick) {
        self.pickAll(pick === "all");
        self.showCount();
      }
    }, false);
    if (this.filterBox) {
      var onType = function () { self.filter(self.filterBox.value); };
      this.filterBox.addEventListener("input", onType, false);
      this.filterBox.addEventListener("keyup", onType, false);
      this.filterBox.addEventListener("search", onType, false);
      /* Enter in the filter box narrows the list; it must not submit the form. */
      this.filterBox.addEventListener("keydown", function (event) {
        if (event.keyCode === 13) {
          event.preventDefault();
          onType();
        }
      }, false);
    }
    this.showCount();
  }

  Picker.prototype.cascading = function () {
    if (this.mode === "always") {
      return true;
    }
    return !!(this.toggle && this.toggle.checked);
  };

  /* The index just past the last item under item i. */
  Picker.prototype.subtreeEnd = function (i) {
    var end = i + 1;
    while (end < this.items.length && this.items[end].depth > this.items[i].depth) {
      end += 1;
    }
    return end;
  };

  Picker.prototype.setSubtree = function (i, checked) {
    var end = this.subtreeEnd(i);
    var j;
    for (j = i; j < end; j += 1) {
      this.items[j].box.checked = checked;
    }
  };

  Picker.prototype.clearAbove = function (i) {
    var depth = this.items[i].depth;
    var j;
    for (j = i - 1; j >= 0 && depth > 0; j -= 1) {
      if (this.items[j].depth < depth) {
        this.items[j].box.checked = false;
        depth = this.items[j].depth;
      }
    }
  };

  Picker.prototype.ticked = function (i) {
    if (!this.cascading()) {
      return;
    }
    var checked = this.items[i].box.checked;
    this.setSubtree(i, checked);
    if (!checked) {
      this.clearAbove(i);
    }
  };

  Picker.prototype.cascadeAll = function () {
    var i;
    for (i = 0; i < this.items.length; i += 1) {
      if (this.items[i].box.checked) {
        this.setSubtree(i, true);
      }
    }
  };

  Picker.prototype.pickAll = function (checked) {
    var cascade = this.cascading();
    var i;
    for (i = 0; i < this.items.length; i += 1) {
      if (this.filtering && !this.items[i].matched) {
        continue;
      }
      this.items[i].box.checked = checked;
      if (cascade) {
        this.setSubtree(i, checked);
        if (!checked) {
          this.clearAbove(i);
        }
      }
    }
  };

  Picker.prototype.filter = function (text) {
    var words = text.replace(/^\s+|\s+$/g, "").toLowerCase();
    var shown = [];
    var any = false;
    var i;
    var j;
    this.filtering = words !== "";
    for (i = 0; i < this.items.length; i += 1) {
      this.items[i].matched = !this.filtering || this.items[i].name.indexOf(words) !== -1;
      shown.push(this.items[i].matched);
    }
    if (this.filtering) {
      /* show the units above a match, and below it, so that it is seen in its place */
      for (i = 0; i < this.items.length; i += 1) {
        if (this.items[i].matched) {
          var depth = this.items[i].depth;
          for (j = i - 1; j >= 0 && depth > 0; j -= 1) {
            if (this.items[j].depth < depth) {
              shown[j] = true;
              depth = this.items[j].depth;
            }
          }
          var end = this.subtreeEnd(i);
          for (j = i + 1; j < end; j += 1) {
            shown[j] = true;
          }
        }
      }
    }
    for (i = 0; i < this.items.length; i += 1) {
      setClass(this.items[i].row, "d-none", !shown[i]);
      setClass(this.items[i].row, "unit-picker-match", this.filtering && this.items[i].matched);
      any = any || shown[i];
    }
    var nothing = first(this.root, ".unit-picker-nothing");
    if (nothing) {
      setClass(nothing, "d-none", any);
    }
    var note = first(this.root, ".unit-picker-filtered");
    if (note) {
      setClass(note, "d-none", !this.filtering);
    }
  };

  Picker.prototype.showCount = function () {
    if (!this.count) {
      return;
    }
    var n = 0;
    var i;
    for (i = 0; i < this.items.length; i += 1) {
      if (this.items[i].box.checked) {
        n += 1;
      }
    }
    this.count.textContent = n ? "已选 " + n + " " + this.noun : "未选（即全部）";
  };

  function start() {
    var roots = document.querySelectorAll(".unit-picker");
    var i;
    for (i = 0; i < roots.length; i += 1) {
      if (!roots[i].getAttribute("data-ready")) {
        roots[i].setAttribute("data-ready", "1");
        new Picker(roots[i]);
      }
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start, false);
  } else {
    start();
  }
}());
