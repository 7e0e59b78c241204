# Sets ACTIONHOST_PYTHON_TEST_ENV to the environment a ctypes test needs: on PYTHONPATH the
# actionhost binding (bindings/python, which declares the ABI) and tests/support (plugin_abi.py,
# raw ABI calls built on those declarations), and, in sanitizer builds, the sanitizer runtimes
# preloaded (Python loads instrumented plugins only when they come first).
set(ACTIONHOST_PYTHON_TEST_ENV
    "PYTHONPATH=${PROJECT_SOURCE_DIR}/tests/support:${PROJECT_SOURCE_DIR}/bindings/python")
if(CMAKE_CXX_FLAGS MATCHES "-fsanitize=[^ ]*address")
  set(preload "")
  foreach(runtime libasan.so libubsan.so)
    execute_process(COMMAND "${CMAKE_CXX_COMPILER}" -print-file-name=${runtime}
                    OUTPUT_VARIABLE path OUTPUT_STRIP_TRAILING_WHITESPACE)
    if(EXISTS "${path}")
      list(APPEND preload "${path}")
    endif()
  endforeach()
  string(REPLACE ";" ":" preload "${preload}")
  # The interpreter itself is not built with ASan: its own allocations are not ours to judge.
  list(APPEND ACTIONHOST_PYTHON_TEST_ENV "LD_PRELOAD=${preload}" "ASAN_OPTIONS=detect_leaks=0")
endif()
