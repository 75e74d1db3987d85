// Charts on the home page: ECharts (served from /static/vendor, installed by `make install`).
// Each chart reads its numbers from the element's data-series (a JSON object name → count).
document.addEventListener("DOMContentLoaded", () => {
  if (!window.echarts) return; // the numbers are on the page in any case
  const colours = { "情节轻微": "#2f7d32", "情节较重": "#b58900", "情节严重": "#d9480f", "涉嫌违法违纪": "#a61e4d" };
  document.querySelectorAll(".card.chart").forEach((el) => {
    const series = JSON.parse(el.dataset.series || "{}");
    const names = Object.keys(series);
    const chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      title: { text: el.dataset.title, textStyle: { fontSize: 13 } },
      grid: { left: 40, right: 10, top: 30, bottom: 25 },
      xAxis: { type: "category", data: names },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", data: names.map((n) => ({ value: series[n], itemStyle: { color: colours[n] || "#7a1f1f" } })) }],
    });
    el.dataset.ready = "1";
  });
});
