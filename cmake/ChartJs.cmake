# Chart.js, the charting library of `pristine report --html` (sim/html_report.cpp),
# vendored into the pristine binary at build time so the page needs no network
# when it is viewed. A pinned version, checked against its pinned sha512 (the
# npm registry's integrity value, in hex), fetched once into a cache shared by
# every build directory: PRISTINE_DOWNLOAD_CACHE, by default
# $XDG_CACHE_HOME/pristine or ~/.cache/pristine.
set(PRISTINE_CHARTJS_VERSION 4.4.1)
set(PRISTINE_CHARTJS_SHA512
    0bbe103756f1c15d6fd8f12e8e198a8ce67b894338c3a056b36dcc77fe9a3996529703337822031ae65acbefab0600a162bbbbffe4057a8416d1f4283f9df80e)

if(NOT PRISTINE_DOWNLOAD_CACHE)
  if(DEFINED ENV{XDG_CACHE_HOME} AND NOT "$ENV{XDG_CACHE_HOME}" STREQUAL "")
    set(PRISTINE_DOWNLOAD_CACHE "$ENV{XDG_CACHE_HOME}/pristine")
  else()
    set(PRISTINE_DOWNLOAD_CACHE "$ENV{HOME}/.cache/pristine")
  endif()
endif()
# The hash is in the file name: a new pin never reads an old file.
set(PRISTINE_CHARTJS_FILE
    "${PRISTINE_DOWNLOAD_CACHE}/chart.js-${PRISTINE_CHARTJS_VERSION}-${PRISTINE_CHARTJS_SHA512}/chart.umd.js")

if(NOT EXISTS "${PRISTINE_CHARTJS_FILE}")
  message(STATUS "Fetching chart.js ${PRISTINE_CHARTJS_VERSION} into ${PRISTINE_DOWNLOAD_CACHE}")
  execute_process(
    COMMAND "${PROJECT_SOURCE_DIR}/scripts/fetch-npm-file.sh" chart.js ${PRISTINE_CHARTJS_VERSION}
            ${PRISTINE_CHARTJS_SHA512} dist/chart.umd.js "${PRISTINE_CHARTJS_FILE}"
    RESULT_VARIABLE _pristine_chartjs_result)
  if(NOT _pristine_chartjs_result EQUAL 0)
    message(FATAL_ERROR "chart.js ${PRISTINE_CHARTJS_VERSION} could not be fetched (scripts/fetch-npm-file.sh, above)")
  endif()
endif()
