#include "tools/report/svg_chart.h"
