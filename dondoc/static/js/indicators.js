/* Indicator pages: the time series (values, targets, projection) and the province map, drawn
   with ECharts from <script type="application/json"> blocks. ECharts' own "save as image"
   exports a PNG of either. */
(function () {
  "use strict";

  function readJson(id) {
    var node = document.getElementById(id);
    if (!node) return null;
    try {
      return JSON.parse(node.textContent);
    } catch (e) {
      return null;
    }
  }

  function font() {
    return getComputedStyle(document.body).fontFamily;
  }

  var DAY = 24 * 3600 * 1000;

  function pad(side) {
    return function (range) {
      var room = Math.max((range.max - range.min) * 0.04, 45 * DAY);
      return side < 0 ? range.min - room : range.max + room;
    };
  }

  function gridTop(el) {
    return el.clientWidth < 560 ? 80 : 48;
  }

  function drawSeries(el) {
    var data = readJson(el.dataset.series);
    var rollup = data && data.rollup ? data.rollup : [];
    if (!data || (!data.values.length && !rollup.length && !data.targets.length)) {
      el.hidden = true;
      return;
    }
    el.style.height = "360px";
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    var n = data.names;
    var series = [
      {
        name: n.values,
        type: "line",
        data: data.values,
        symbolSize: 8,
        lineStyle: { width: 2, color: "#1f5f99" },
        itemStyle: { color: "#1f5f99" }
      },
      {
        name: n.targets,
        type: "scatter",
        symbol: "diamond",
        symbolSize: 14,
        itemStyle: { color: "#b3261e" },
        data: data.targets.map(function (t) {
          return { value: [t.date, t.value], name: t.text };
        }),
        markLine: {
          symbol: "none",
          lineStyle: { type: "dashed", color: "#b3261e" },
          label: { formatter: "{b}", position: "insideEndTop" },
          data: data.targets.map(function (t) {
            return { yAxis: t.value, name: t.text };
          })
        }
      }
    ];
    if (rollup.length) {
      series.push({
        name: n.rollup,
        type: "line",
        data: rollup,
        symbol: "rect",
        symbolSize: 8,
        lineStyle: { width: 2, type: "dashed", color: "#2e7d32" },
        itemStyle: { color: "#2e7d32" }
      });
    }
    if (data.projection.length > 1) {
      series.push({
        name: n.projection,
        type: "line",
        data: data.projection,
        symbol: "none",
        lineStyle: { type: "dotted", width: 2, color: "#7a7f87" },
        itemStyle: { color: "#7a7f87" }
      });
    }
    if (data.baseline) {
      series.push({
        name: n.baseline,
        type: "scatter",
        data: [data.baseline],
        symbol: "circle",
        symbolSize: 10,
        itemStyle: { color: "#e0a400" }
      });
    }
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: font() },
      tooltip: { trigger: "item", confine: true },
      // Clear of the "save as image" button; on a phone the legend wraps to two lines.
      legend: { top: 0, left: 8, right: 40 },
      grid: { left: 56, right: 24, top: gridTop(el), bottom: 32 },
      toolbox: { right: 8, feature: { saveAsImage: { title: n.save, name: data.title } } },
      // A little room on both sides, so a first or a lone point is not drawn on the edge.
      xAxis: { type: "time", min: pad(-1), max: pad(1) },
      yAxis: { type: "value", name: data.unit, scale: true },
      series: series
    });
    onResize(chart, function () {
      chart.setOption({ grid: { top: gridTop(el) } });
    });
  }

  /* A window resize redraws the chart once it has settled (a drag fires dozens of events),
     and never a chart the page has let go of. */
  function onResize(chart, before) {
    var timer;
    window.addEventListener("resize", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        if (chart.isDisposed()) return;
        if (before) before();
        chart.resize();
      }, 150);
    });
  }

  function drawMap(el) {
    var data = readJson(el.dataset.map);
    if (!data) {
      el.hidden = true;
      return;
    }
    el.style.height = "560px";
    window.echarts.registerMap("vn-" + data.count, data.geometry);
    var values = data.data.map(function (d) { return d.value; });
    var low = values.length ? Math.min.apply(null, values) : 0;
    var high = values.length ? Math.max.apply(null, values) : 1;
    if (high <= low) high = low + 1;
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: font() },
      tooltip: { trigger: "item", formatter: function (p) {
        return p.name + (isNaN(p.value) ? "" : ": " + p.value);
      } },
      toolbox: { right: 8, feature: { saveAsImage: { title: data.names.save } } },
      visualMap: {
        min: low,
        max: high,
        left: 8,
        bottom: 8,
        calculable: true,
        // Darker is better: for a lower-is-better indicator (a rank) the low values are dark.
        inRange: {
          color: data.direction === "lower" ? ["#1f5f99", "#e3eef9"] : ["#e3eef9", "#1f5f99"]
        }
      },
      series: [{
        type: "map",
        map: "vn-" + data.count,
        roam: true,
        itemStyle: { borderColor: "#8a96a3", areaColor: "#f2f2f2" },
        emphasis: { label: { show: true } },
        data: data.data
      }]
    });
    onResize(chart);
  }

  function start() {
    if (!window.echarts) return;
    document.querySelectorAll("[data-series]").forEach(drawSeries);
    document.querySelectorAll("[data-map]").forEach(drawMap);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
