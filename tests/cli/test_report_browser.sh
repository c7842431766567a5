#!/usr/bin/env bash
# kiln report in a real browser: tiny sequence, TSP and forecasting runs are reported, headless
# Chromium renders the page, and screenshot_check compares the screenshot with where the page
# says its charts are (not blank, in the image, not overlapping, showing their series' colours).
# Exits 77 (skipped) where Chromium is absent.
#   test_report_browser.sh KILN SCREENSHOT_CHECK
set -uo pipefail
kiln="$1"
check="$2"
browser="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$browser" ]; then
  echo "SKIPPED: no chromium on PATH (apt-get install chromium); the report's HTML tests still ran"
  exit 77
fi
source "$(dirname "$0")/cli_checks.sh"
# Headless Chromium as root needs --no-sandbox; the rest keeps it quiet and deterministic.
chrome=("$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --disable-dev-shm-usage
  --force-device-scale-factor=1 --user-data-dir="$work/profile")
width=1300

"$kiln" train copy --d-model 16 --heads 2 --steps-per-epoch 20 --epochs 3 --eval-size 20 \
  --out "$work/copy" >/dev/null 2>&1 || fail "sequence run"
"$kiln" train tsp --nodes 8 --embedding-dim 16 --layers 1 --heads 2 --epoch-size 96 --batch-size 32 \
  --epochs 2 --val-size 40 --out "$work/tsp" >/dev/null 2>&1 || fail "tsp run"
for seed in 1 2; do
  "$kiln" train forecast --model dlinear --lookback 48 --horizon 24 --batch-size 256 --epochs 3 \
    --seed "$seed" --out "$work/forecast-$seed" >/dev/null 2>&1 || fail "forecast run $seed"
done
"$kiln" report "$work/copy" "$work/tsp" "$work/forecast-1" "$work/forecast-2" \
  --out "$work/report.html" >/dev/null || fail "kiln report"

# The measuring script goes into a copy only: the report itself carries no script.
sed 's#</body>#<script>\
addEventListener("load", () => {\
  const charts = [...document.querySelectorAll("figure svg")].map(svg => {\
    const box = svg.getBoundingClientRect();\
    const colours = [...new Set([...svg.querySelectorAll(".series, polygon")]\
      .map(e => getComputedStyle(e).stroke).filter(c => c.startsWith("rgb(")))];\
    return {x: box.left + scrollX, y: box.top + scrollY, width: box.width, height: box.height,\
            title: svg.getAttribute("data-title") || "", colours};\
  });\
  const out = document.createElement("pre");\
  out.id = "chart-boxes";\
  out.textContent = JSON.stringify({height: document.documentElement.scrollHeight, charts});\
  document.body.appendChild(out);\
});\
</script></body>#' "$work/report.html" >"$work/measured.html"
"${chrome[@]}" --window-size="$width,900" --virtual-time-budget=3000 --dump-dom \
  "file://$work/measured.html" >"$work/dom.html" 2>/dev/null || fail "chromium --dump-dom"
height="$(grep -o '"height":[0-9.]*,"charts"' "$work/dom.html" | head -1 | grep -o '[0-9.]*' | cut -d. -f1)"
[ -n "$height" ] || fail "the page's height was not measured"
screenshot="${KILN_REPORT_SCREENSHOT:-$work/report.png}"
"${chrome[@]}" --window-size="$width,${height:-2000}" --screenshot="$screenshot" \
  "file://$work/report.html" >/dev/null 2>&1 || fail "chromium --screenshot"
"$check" "$screenshot" "$work/dom.html" 12 || fail "the screenshot does not show the charts where the page says"
finish_checks "report browser check passed"
