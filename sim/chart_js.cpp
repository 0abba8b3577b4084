// chart.umd.js (cmake/ChartJs.cmake) as bytes in the binary, for
// sim/html_report.cpp. The file's path comes from the build
// (PRISTINE_CHARTJS_FILE); sim/CMakeLists.txt makes this object depend on it.
asm(".pushsection .rodata\n"
    ".global pristine_chart_js\n"
    "pristine_chart_js:\n"
    ".incbin \"" PRISTINE_CHARTJS_FILE "\"\n"
    ".global pristine_chart_js_end\n"
    "pristine_chart_js_end:\n"
    ".popsection\n");
