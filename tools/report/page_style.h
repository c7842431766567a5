#pragma once

// The report's stylesheet, inlined in the page: system fonts, figures in a responsive grid,
// compact tables with tabular numbers, the best cell bold (as papers mark it), print-friendly.
namespace kiln::tools::report {

inline constexpr const char* kPageStyle = R"css(
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222;
       background: #fff; margin: 0 auto; padding: 24px 32px; max-width: 1240px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 0; display: inline; }
h3 { font-size: 15px; margin: 18px 0 6px; color: #444; }
header p, .note, .machine, .kind { color: #666; }
.kind { font-size: 13px; margin-left: 8px; }
nav { margin: 12px 0 20px; columns: 3; font-size: 13px; }
nav a { display: block; }
a { color: #0072B2; text-decoration: none; }
a:hover { text-decoration: underline; }
section { border-top: 1px solid #ddd; padding: 16px 0; }
summary { cursor: pointer; }
pre { background: #f6f6f6; padding: 8px 10px; border-radius: 4px; overflow-x: auto;
      font-size: 12.5px; }
pre.command { white-space: pre-wrap; word-break: break-all; }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr));
           gap: 12px 20px; margin: 10px 0; }
figure { margin: 0; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-size: 12.5px; color: #666; }
table { border-collapse: collapse; margin: 8px 0; font-size: 13px; }
th, td { padding: 3px 10px; border-bottom: 1px solid #e4e4e4; text-align: left; }
th { background: #f3f3f3; font-weight: 600; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
td.best { font-weight: 700; }
td.second { text-decoration: underline; }
td.paper, th.paper { color: #777; }
.mode { font-weight: 400; color: #777; }
table.sequences td { font-family: ui-monospace, monospace; }
.wrong { color: #D55E00; font-weight: 700; }
@media print { body { padding: 0; } details { display: block; } }
)css";

}  // namespace kiln::tools::report
