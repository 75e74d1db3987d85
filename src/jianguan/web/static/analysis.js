// Indicator page: the trend (from the table's rows) and the funnel plot (points + control limits).
// ECharts writes a tooltip formatter's string as HTML: names come from the data (a unit name may
// carry markup), so they are escaped here.
const escapeHtml = (text) =>
  String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

document.addEventListener("DOMContentLoaded", () => {
  if (!window.echarts) return; // the tables carry the same numbers
  const trendEl = document.getElementById("trend-chart");
  if (trendEl) {
    const rows = [...document.querySelectorAll("tr.trend-row")];
    const chart = echarts.init(trendEl, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      title: { text: trendEl.dataset.title, textStyle: { fontSize: 13 } },
      grid: { left: 50, right: 20, top: 30, bottom: 30 },
      xAxis: { type: "category", data: rows.map((r) => r.dataset.month) },
      yAxis: { type: "value", axisLabel: { formatter: (v) => (v * 100).toFixed(0) + "%" } },
      series: [{ type: "line", data: rows.map((r) => (r.dataset.value === "" ? null : Number(r.dataset.value))) }],
    });
    trendEl.dataset.ready = "1";
  }
  const funnelEl = document.getElementById("funnel-chart");
  const data = document.getElementById("funnel-data");
  if (funnelEl && data) {
    const f = JSON.parse(data.textContent);
    const curve = (key) => f.curve.map((c) => [c.denominator, c[key]]);
    const line = (key, style) => ({ type: "line", showSymbol: false, data: curve(key), lineStyle: style, silent: true });
    const chart = echarts.init(funnelEl, null, { renderer: "svg" });
    const d = funnelEl.dataset;
    const shown = f.points.filter((p) => p.value !== null);
    // Each point carries its unit's short name as a label (text, not HTML: ECharts draws
    // labels into SVG text); inside and outside the limits are two series, so the legend
    // says which colour means what.
    const point = (p) => ({
      value: [p.denominator, p.value],
      name: `${p.name || p.unit}: ${(p.value * 100).toFixed(1)}% (${p.flag_zh})`,
      label: { show: true, position: "right", fontSize: 10, formatter: () => String(p.name || p.unit).slice(0, 8) },
    });
    chart.setOption({
      animation: false,
      legend: { top: 0, data: [d.legendPoints, d.legendOutside, d.legendInner, d.legendOuter] },
      grid: { left: 50, right: 90, top: 40, bottom: 40 },
      xAxis: { type: "value", name: d.x || "n", nameLocation: "middle", nameGap: 25 },
      yAxis: { type: "value", axisLabel: { formatter: (v) => (v * 100).toFixed(0) + "%" } },
      tooltip: { formatter: (p) => escapeHtml((p.data && p.data.name) || "") },
      series: [
        { ...line("limit95_low", { type: "dashed", color: "#8a9ba8" }), name: d.legendInner, itemStyle: { color: "#8a9ba8" } },
        { ...line("limit95_high", { type: "dashed", color: "#8a9ba8" }), name: d.legendInner, itemStyle: { color: "#8a9ba8" } },
        { ...line("limit998_low", { color: "#394b59" }), name: d.legendOuter, itemStyle: { color: "#394b59" } },
        { ...line("limit998_high", { color: "#394b59" }), name: d.legendOuter, itemStyle: { color: "#394b59" } },
        { type: "scatter", name: d.legendPoints, itemStyle: { color: "#52606d" }, data: shown.filter((p) => !p.outside).map(point) },
        { type: "scatter", name: d.legendOutside, itemStyle: { color: "#d9480f" }, data: shown.filter((p) => p.outside).map(point) },
      ],
    });
    funnelEl.dataset.ready = "1";
  }
});
