# cmake -DCOMPILER=<c++> -DINCLUDE_DIR=<plugin_api/include> -DSOURCE=wrong_plugins.cpp
#       [-DCASE=<macro> -DEXPECT=<regex>] -P check_plugin_compile.cmake
#
# Compiles SOURCE (syntax only) with CASE defined. Without EXPECT it must compile cleanly. With
# EXPECT it must fail with exactly one error, whose text matches EXPECT: AH_PLUGIN's
# static_assert, not a cascade of template errors.
set(command "${COMPILER}" -std=c++17 -fsyntax-only -Wall -Wextra -Wpedantic -Werror
            "-I${INCLUDE_DIR}" "${SOURCE}")
if(CASE)
  list(APPEND command "-D${CASE}")
endif()
execute_process(COMMAND ${command} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
string(REPLACE ";" " " shown "${command}")

if(NOT EXPECT)
  if(NOT code EQUAL 0)
    message(FATAL_ERROR "a correct plugin does not compile: ${shown}\n${out}${err}")
  endif()
  message(STATUS "ok: a correct plugin compiles")
  return()
endif()

if(code EQUAL 0)
  message(FATAL_ERROR "compiled, but AH_PLUGIN must refuse it: ${shown}")
endif()
string(REGEX MATCHALL "error:" errors "${err}")
list(LENGTH errors error_count)
if(NOT error_count EQUAL 1 OR NOT err MATCHES "${EXPECT}")
  message(FATAL_ERROR "want exactly one error matching '${EXPECT}', got ${error_count}: "
                      "${shown}\n${err}")
endif()
message(STATUS "ok: refused with the message '${EXPECT}'")
