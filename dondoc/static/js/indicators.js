/* Indicator pages: the time series (values, roll-up of units, targets, projection) and the province map, drawn
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

  function drawSeries(el) {
    var data = readJson(el.dataset.series);
    if (!data || (!data.values.length && !data.targets.length)) {
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
    if (data.rollup && data.rollup.length) {
      series.push({
        name: n.rollup,
        type: "line",
        data: data.rollup,
        symbolSize: 4,
        lineStyle: { width: 1.5, color: "#2e7d5b" },
        itemStyle: { color: "#2e7d5b" }
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
      legend: { top: 0 },
      grid: { left: 56, right: 24, top: 48, bottom: 32 },
      toolbox: { right: 8, feature: { saveAsImage: { title: n.save, name: data.title } } },
      xAxis: { type: "time" },
      yAxis: { type: "value", name: data.unit, scale: true },
      series: series
    });
    window.addEventListener("resize", function () { chart.resize(); });
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
        inRange: { color: ["#e3eef9", "#1f5f99"] }
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
    window.addEventListener("resize", function () { chart.resize(); });
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
