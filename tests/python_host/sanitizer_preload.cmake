# Python loads sanitizer-instrumented plugins (asan preset) only when the sanitizer runtimes are
# loaded first. Sets ACTIONHOST_PYTHON_TEST_ENV to the environment a ctypes test needs.
set(ACTIONHOST_PYTHON_TEST_ENV "")
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
  set(ACTIONHOST_PYTHON_TEST_ENV "LD_PRELOAD=${preload}" "ASAN_OPTIONS=detect_leaks=0")
endif()
