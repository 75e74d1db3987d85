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
    chart.setOption({
      animation: false,
      grid: { left: 50, right: 20, top: 20, bottom: 30 },
      xAxis: { type: "value", name: "n" },
      yAxis: { type: "value", axisLabel: { formatter: (v) => (v * 100).toFixed(0) + "%" } },
      tooltip: { formatter: (p) => escapeHtml((p.data && p.data.name) || "") },
      series: [
        line("limit95_low", { type: "dashed" }), line("limit95_high", { type: "dashed" }),
        line("limit998_low", {}), line("limit998_high", {}),
        { type: "scatter", data: f.points.filter((p) => p.value !== null).map((p) => ({
            value: [p.denominator, p.value], name: `${p.name || p.unit}: ${(p.value * 100).toFixed(1)}% (${p.flag_zh})`,
            itemStyle: { color: p.outside ? "#d9480f" : "#52606d" } })) },
      ],
    });
    funnelEl.dataset.ready = "1";
  }
});
