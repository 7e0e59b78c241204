# cmake -DSTEP=install|plugin|c_host -DWORK_DIR=... -DBUILD_DIR=... [...] -P install_test.cmake
#
# install: `cmake --install` this build into WORK_DIR/prefix (a fresh folder) and check the layout.
# plugin:  configure and build examples/01-minimal-plugin against that prefix (find_package), check
#          its exports and embedded manifest, and install it into WORK_DIR/plugin-prefix.
# c_host:  compile examples/02-c-host with the flags of the installed actionhost-plugin.pc and run
#          the example plugin's action through it.
cmake_minimum_required(VERSION 3.20)

set(prefix "${WORK_DIR}/prefix")
set(plugin_build "${WORK_DIR}/minimal-build")
set(plugin_prefix "${WORK_DIR}/plugin-prefix")

function(run)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "OUTPUT;WORKING_DIRECTORY" "COMMAND")
  execute_process(COMMAND ${arg_COMMAND} RESULT_VARIABLE code OUTPUT_VARIABLE out
                  ERROR_VARIABLE err WORKING_DIRECTORY "${WORK_DIR}")
  if(NOT code EQUAL 0)
    string(REPLACE ";" " " shown "${arg_COMMAND}")
    message(FATAL_ERROR "failed (${code}): ${shown}\n--- stdout\n${out}\n--- stderr\n${err}")
  endif()
  if(arg_OUTPUT)
    set(${arg_OUTPUT} "${out}" PARENT_SCOPE)
  endif()
endfunction()

function(expect_file path)
  if(NOT EXISTS "${path}")
    message(FATAL_ERROR "missing after install: ${path}")
  endif()
  message(STATUS "ok: ${path}")
endfunction()

# Only ah_plugin_* may be exported (what the installed version script promises).
function(expect_only_ah_exports library)
  run(COMMAND nm -D --defined-only "${library}" OUTPUT symbols)
  string(REGEX MATCHALL "[^\n]+" lines "${symbols}")
  set(count 0)
  foreach(line IN LISTS lines)
    string(REGEX REPLACE ".* " "" name "${line}")
    if(NOT name MATCHES "^ah_plugin_")
      message(FATAL_ERROR "${library} exports ${name}: the version script was not applied")
    endif()
    math(EXPR count "${count} + 1")
  endforeach()
  if(NOT count EQUAL 7)
    message(FATAL_ERROR "${library} exports ${count} ah_plugin_* functions, not 7:\n${symbols}")
  endif()
  message(STATUS "ok: ${library} exports exactly the 7 ah_plugin_* functions")
endfunction()

if(STEP STREQUAL "install")
  file(REMOVE_RECURSE "${WORK_DIR}")
  file(MAKE_DIRECTORY "${WORK_DIR}")
  run(COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${prefix}")
  set(cmake_dir "${prefix}/${LIB_INSTALL_DIR}/cmake/actionhost")
  foreach(file
      "${INCLUDE_INSTALL_DIR}/actionhost/plugin_api.h"
      "${INCLUDE_INSTALL_DIR}/actionhost/plugin.hpp"
      "${INCLUDE_INSTALL_DIR}/actionhost/detail/exports.hpp"
      "${LIB_INSTALL_DIR}/cmake/actionhost/actionhostConfig.cmake"
      "${LIB_INSTALL_DIR}/cmake/actionhost/actionhostConfigVersion.cmake"
      "${LIB_INSTALL_DIR}/cmake/actionhost/actionhostTargets.cmake"
      "${LIB_INSTALL_DIR}/cmake/actionhost/ActionhostPlugin.cmake"
      "${LIB_INSTALL_DIR}/cmake/actionhost/EmbedManifest.cmake"
      "${LIB_INSTALL_DIR}/cmake/actionhost/plugin_exports.map"
      "${LIB_INSTALL_DIR}/pkgconfig/actionhost-plugin.pc")
    expect_file("${prefix}/${file}")
  endforeach()
  if(EXPECTED)
    string(REPLACE "|" ";" EXPECTED "${EXPECTED}")
    foreach(file IN LISTS EXPECTED)
      expect_file("${prefix}/${file}")
    endforeach()
  endif()
  # The plugin folder holds exactly the real plugins (manifests/*.json and their libraries) and
  # the modules those plugins load themselves (PLUGIN_MODULES): test plugins are build-only and
  # must not reach an install.
  file(GLOB manifests RELATIVE "${MANIFESTS_DIR}" "${MANIFESTS_DIR}/*.json")
  set(wanted "")
  foreach(manifest IN LISTS manifests)
    if(manifest MATCHES "\\.schema\\.json$")
      continue()
    endif()
    file(READ "${MANIFESTS_DIR}/${manifest}" text)
    string(JSON library GET "${text}" library)
    list(APPEND wanted "${manifest}" "${library}")
  endforeach()
  list(APPEND wanted ${PLUGIN_MODULES})
  file(GLOB installed_plugins RELATIVE "${prefix}/${PLUGIN_INSTALL_DIR}"
       "${prefix}/${PLUGIN_INSTALL_DIR}/*")
  list(SORT wanted)
  list(SORT installed_plugins)
  if(NOT installed_plugins STREQUAL wanted)
    message(FATAL_ERROR "the installed plugin folder holds [${installed_plugins}], "
                        "want the real plugins [${wanted}]")
  endif()
  message(STATUS "ok: installed plugins are exactly ${wanted}")
  # The host's -h must work from the install tree (no reference back into the build).
  if(EXISTS "${prefix}/${BIN_INSTALL_DIR}/actionhost")
    run(COMMAND "${prefix}/${BIN_INSTALL_DIR}/actionhost" --help OUTPUT help)
    message(STATUS "ok: installed actionhost --help")
    # It finds the installed plugins relative to itself, with no path configured.
    if(EXPECTED MATCHES "compshare-disk")
      run(COMMAND "${CMAKE_COMMAND}" -E env --unset=ACTIONHOST_PLUGIN_PATH
                  "${prefix}/${BIN_INSTALL_DIR}/actionhost" list --json OUTPUT listed)
      if(NOT listed MATCHES "compshare-disk")
        message(FATAL_ERROR "installed actionhost list does not show compshare-disk:\n${listed}")
      endif()
      message(STATUS "ok: installed actionhost lists the installed compshare-disk")
    endif()
  endif()

elseif(STEP STREQUAL "plugin")
  file(REMOVE_RECURSE "${plugin_build}" "${plugin_prefix}")
  run(COMMAND "${CMAKE_COMMAND}" -S "${EXAMPLES_DIR}/01-minimal-plugin" -B "${plugin_build}"
              -G "${GENERATOR}" "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}"
              "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}" -DCMAKE_BUILD_TYPE=Release
              "-DCMAKE_PREFIX_PATH=${prefix}" "-DCMAKE_CXX_FLAGS=-Wall -Wextra -Wpedantic -Werror")
  run(COMMAND "${CMAKE_COMMAND}" --build "${plugin_build}")
  set(library "${plugin_build}/${PLUGIN_INSTALL_DIR}/libminimal.so")
  expect_file("${library}")
  expect_file("${plugin_build}/${PLUGIN_INSTALL_DIR}/minimal.json")
  expect_only_ah_exports("${library}")
  run(COMMAND "${CMAKE_COMMAND}" --install "${plugin_build}" --prefix "${plugin_prefix}")
  expect_file("${plugin_prefix}/${PLUGIN_INSTALL_DIR}/libminimal.so")
  expect_file("${plugin_prefix}/${PLUGIN_INSTALL_DIR}/minimal.json")
  # The installed host runs the third-party plugin from its install folder.
  set(host "${prefix}/${BIN_INSTALL_DIR}/actionhost")
  if(EXISTS "${host}")
    set(plugin_dir "${plugin_prefix}/${PLUGIN_INSTALL_DIR}")
    run(COMMAND "${host}" --plugin-path "${plugin_dir}" check minimal)
    run(COMMAND "${host}" --plugin-path "${plugin_dir}" run minimal.greet
                --params "{\"name\": \"world\"}" OUTPUT result)
    if(NOT result MATCHES "\"greeting\":\"Hello, world!\"")
      message(FATAL_ERROR "actionhost run minimal.greet printed: ${result}")
    endif()
    message(STATUS "ok: the installed actionhost runs minimal.greet: ${result}")
  endif()
  # The package must refuse an incompatible request (ConfigVersion): another major.
  file(MAKE_DIRECTORY "${WORK_DIR}/version-probe")
  file(WRITE "${WORK_DIR}/version-probe/CMakeLists.txt"
       "cmake_minimum_required(VERSION 3.20)\nproject(probe NONE)\n"
       "find_package(actionhost 99 QUIET)\n"
       "if(actionhost_FOUND)\n  message(FATAL_ERROR \"actionhost 99 accepted\")\nendif()\n")
  run(COMMAND "${CMAKE_COMMAND}" -S "${WORK_DIR}/version-probe" -B "${WORK_DIR}/version-probe/b"
              -G "${GENERATOR}" "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}"
              "-DCMAKE_PREFIX_PATH=${prefix}")
  message(STATUS "ok: find_package(actionhost 99) is refused by the version file")

elseif(STEP STREQUAL "c_host")
  set(pc_env "${CMAKE_COMMAND}" -E env "PKG_CONFIG_PATH=${prefix}/${LIB_INSTALL_DIR}/pkgconfig")
  run(COMMAND ${pc_env} pkg-config --cflags actionhost-plugin OUTPUT cflags)
  string(STRIP "${cflags}" cflags)
  if(NOT cflags STREQUAL "-I${prefix}/${INCLUDE_INSTALL_DIR}")
    # pkg-config may print the path through ${pcfiledir}: compare real paths.
    string(REGEX REPLACE "^-I" "" include_dir "${cflags}")
    file(REAL_PATH "${include_dir}" include_real)
    file(REAL_PATH "${prefix}/${INCLUDE_INSTALL_DIR}" expected_real)
    if(NOT include_real STREQUAL expected_real)
      message(FATAL_ERROR "pkg-config --cflags gave '${cflags}', not the installed include dir")
    endif()
  endif()
  run(COMMAND ${pc_env} pkg-config --variable=plugindir actionhost-plugin OUTPUT plugindir)
  string(STRIP "${plugindir}" plugindir)
  file(REAL_PATH "${plugindir}" plugindir_real)
  file(REAL_PATH "${prefix}/${PLUGIN_INSTALL_DIR}" plugindir_expected)
  if(NOT plugindir_real STREQUAL plugindir_expected)
    message(FATAL_ERROR "pkg-config plugindir is ${plugindir}, not ${plugindir_expected}")
  endif()
  run(COMMAND ${pc_env} pkg-config --variable=api_version actionhost-plugin OUTPUT api_version)
  message(STATUS "ok: pkg-config cflags ${cflags}, API ${api_version}")

  separate_arguments(cflag_list UNIX_COMMAND "${cflags}")
  set(host "${WORK_DIR}/run-action")
  run(COMMAND "${C_COMPILER}" -std=c99 -Wall -Wextra -Werror -pedantic ${cflag_list}
              "${EXAMPLES_DIR}/02-c-host/run_action.c" -o "${host}" -ldl)
  set(plugin "${plugin_prefix}/${PLUGIN_INSTALL_DIR}/libminimal.so")
  run(COMMAND "${host}" "${plugin}" greet "{\"name\": \"world\"}" "{\"salutation\": \"Hi\"}"
      OUTPUT result)
  if(NOT result MATCHES "\"ok\":true" OR NOT result MATCHES "\"greeting\":\"Hi, world!\"")
    message(FATAL_ERROR "unexpected result from the example plugin: ${result}")
  endif()
  message(STATUS "ok: run-action printed ${result}")
  # Its failure paths: a missing parameter is a failed action (exit 1), a missing file exit 8.
  execute_process(COMMAND "${host}" "${plugin}" greet "{}" RESULT_VARIABLE code
                  OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT code EQUAL 1 OR NOT out MATCHES "\"ok\":false")
    message(FATAL_ERROR "greet without name: exit ${code}, stdout ${out}")
  endif()
  execute_process(COMMAND "${host}" "${WORK_DIR}/no-such-plugin.so" greet RESULT_VARIABLE code
                  OUTPUT_QUIET ERROR_QUIET)
  if(NOT code EQUAL 8)
    message(FATAL_ERROR "a missing plugin: exit ${code}, want 8")
  endif()
  message(STATUS "ok: run-action reports a failed action and a missing plugin")
else()
  message(FATAL_ERROR "unknown STEP '${STEP}'")
endif()
