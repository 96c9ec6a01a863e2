/* Đôn đốc: the little JavaScript the pages use. Everything works without it; this adds
   charts, live filtering (through htmx attributes) and a few conveniences.
   No inline scripts anywhere: data arrives in <script type="application/json"> blocks. */
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  function readJson(id) {
    var node = document.getElementById(id);
    if (!node) return null;
    try {
      return JSON.parse(node.textContent);
    } catch (e) {
      return null;
    }
  }

  /* Stacked horizontal bars: one bar per row (agency, group, member), one segment per status
     band. A click on a segment opens the matching task list. */
  var charts = [];

  function drawChart(el) {
    if (!window.echarts || el.dataset.drawn) return;
    var data = readJson(el.dataset.chart);
    if (!data || !data.categories.length) {
      el.hidden = true;
      return;
    }
    el.dataset.drawn = "1";
    var narrow = el.clientWidth < 560;
    el.style.height = Math.max(160, data.categories.length * (narrow ? 30 : 28) + 70) + "px";
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    var labelWidth = Math.round(el.clientWidth * (narrow ? 0.34 : 0.3));
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      grid: { left: labelWidth + 10, right: 16, top: 8, bottom: 28 },
      tooltip: {
        trigger: "axis",
        axisPointer: { type: "shadow" },
        renderMode: "richText",
        confine: true,
        formatter: function (items) {
          if (!items.length) return "";
          var index = items[0].dataIndex;
          var lines = [data.titles[index] || items[0].name];
          items.forEach(function (item) {
            if (item.value) lines.push(item.seriesName + ": " + item.value);
          });
          return lines.join("\n");
        }
      },
      legend: { show: false },
      xAxis: {
        type: "value",
        minInterval: 1,
        splitLine: { lineStyle: { color: "#e7ebf0" } },
        axisLabel: { color: "#5b6573" }
      },
      yAxis: {
        type: "category",
        inverse: true,
        data: data.categories,
        axisTick: { show: false },
        axisLine: { lineStyle: { color: "#b9c2cd" } },
        axisLabel: {
          color: "#1b2430",
          width: labelWidth,
          overflow: "truncate",
          fontSize: narrow ? 11 : 12
        }
      },
      series: data.series.map(function (s) {
        return {
          name: s.name,
          type: "bar",
          stack: "total",
          barMaxWidth: 22,
          itemStyle: { color: s.color },
          emphasis: { focus: "series" },
          cursor: "pointer",
          data: s.data.map(function (v) { return v || null; })
        };
      })
    });
    chart.on("click", function (params) {
      var series = data.series[params.seriesIndex];
      var url = series && series.links[params.dataIndex];
      if (url) window.location.assign(url);
    });
    charts.push(chart);
  }

  function drawCharts(root) {
    (root || document).querySelectorAll("[data-chart]").forEach(drawChart);
  }

  var resizeTimer;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      charts.forEach(function (c) { c.resize(); });
    }, 150);
  });

  /* Progress form: the completion date only matters for "completed" or "cancelled". */
  function wireStatusChange(root) {
    (root || document).querySelectorAll("[data-status-change]").forEach(function (select) {
      var target = document.getElementById(select.dataset.statusChange);
      if (!target) return;
      function sync() {
        target.hidden = !(select.value === "completed" || select.value === "cancelled");
      }
      select.addEventListener("change", sync);
      sync();
    });
  }

  /* Buttons that ask before doing something that cannot be undone (merging two tasks). */
  document.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    var message = submitter && submitter.dataset.confirm;
    if (message && !window.confirm(message)) event.preventDefault();
  });

  /* Selects marked data-autosubmit submit their form on change (the "as of" date, program). */
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("[data-autosubmit]") && el.form) {
      if (el.form.requestSubmit) el.form.requestSubmit();
      else el.form.submit();
    }
  });

  /* A filter form marked data-short-url leaves out of its address the fields left empty and
     those at their default (data-default: the usual sort; data-default-today: today's date,
     dd/mm/yyyy, in the site's time zone when the form is sent, not when it was drawn), so that
     a bookmarked page keeps following today instead of staying on the day it was saved. */
  function today(zone) {
    try {
      return new Intl.DateTimeFormat("en-GB", {
        timeZone: zone, day: "2-digit", month: "2-digit", year: "numeric"
      }).format(new Date());
    } catch (error) {
      return null;  // an unknown zone: the date stays in the address
    }
  }

  function defaultOf(form, name) {
    var field = form.querySelector("[name='" + name + "']");
    if (!field) return null;
    if (field.dataset.defaultToday) return today(field.dataset.defaultToday);
    return field.dataset.default === undefined ? null : field.dataset.default;
  }

  function shorten(form, data) {
    var names = [];
    data.forEach(function (_value, name) { if (names.indexOf(name) < 0) names.push(name); });
    names.forEach(function (name) {
      var values = data.getAll(name).filter(function (v) { return v !== ""; });
      if (!values.length || (values.length === 1 && values[0] === defaultOf(form, name))) {
        data.delete(name);
      }
    });
    return data;
  }

  function shortForm(form) {
    return form && form.matches && form.matches("form[data-short-url]");
  }

  // A form htmx sends (the task list's): the address it pushes.
  document.addEventListener("htmx:configRequest", function (event) {
    if (shortForm(event.detail.elt) && event.detail.formData) {
      shorten(event.detail.elt, event.detail.formData);
    }
  });

  // A plain form (the dashboard's date and program): the address it opens.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !shortForm(form) || form.hasAttribute("hx-get")) return;
    if ((form.getAttribute("method") || "get").toLowerCase() !== "get") return;
    event.preventDefault();
    var data = shorten(form, new FormData(form));
    var query = new URLSearchParams(data).toString();
    var action = form.getAttribute("action") || window.location.pathname;
    window.location.assign(action + (query ? "?" + query : ""));
  });

  /* On a phone the filter panel starts folded unless filters are in use. */
  function foldFilters(root) {
    if (window.innerWidth >= 760) return;
    (root || document).querySelectorAll("details[data-collapse-narrow='yes']").forEach(function (d) {
      d.open = false;
    });
  }

  function init(root) {
    drawCharts(root);
    wireStatusChange(root);
  }

  document.addEventListener("DOMContentLoaded", function () {
    foldFilters(document);
    init(document);
  });
  document.addEventListener("htmx:afterSettle", function (event) { init(event.target); });
  // A refused filter (400: a date not on the calendar...) shows its message where the results
  // were, instead of leaving the old results in place without a word.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 400) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
