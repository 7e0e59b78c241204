# actionhost_add_plugin(<target> MANIFEST <file.json> [OUTPUT_DIRECTORY <dir>] [NO_INSTALL]
#                       SOURCES <src>...)
#
# Builds an actionhost plugin: a MODULE library that exports only ah_plugin_* (hidden visibility,
# a linker version script, no undefined symbols), with the manifest file embedded as
# actionhost::embedded::manifest. The manifest is copied next to the library, so the output
# directory is a plugin folder the host can search. Unless NO_INSTALL, both are installed into
# ${ACTIONHOST_PLUGIN_INSTALL_DIR}.
set(ACTIONHOST_PLUGIN_VERSION_SCRIPT "${CMAKE_CURRENT_LIST_DIR}/plugin_exports.map")
set(ACTIONHOST_EMBED_SCRIPT "${CMAKE_CURRENT_LIST_DIR}/EmbedManifest.cmake")

function(actionhost_add_plugin target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "NO_INSTALL" "MANIFEST;OUTPUT_DIRECTORY" "SOURCES")
  if(NOT arg_MANIFEST)
    message(FATAL_ERROR "actionhost_add_plugin(${target}): MANIFEST is required")
  endif()
  if(NOT arg_OUTPUT_DIRECTORY)
    set(arg_OUTPUT_DIRECTORY "${ACTIONHOST_PLUGIN_OUTPUT_DIR}")
  endif()
  get_filename_component(manifest "${arg_MANIFEST}" ABSOLUTE)
  get_filename_component(manifest_name "${manifest}" NAME)

  set(embedded "${CMAKE_CURRENT_BINARY_DIR}/${target}_manifest.cpp")
  add_custom_command(
    OUTPUT "${embedded}"
    COMMAND "${CMAKE_COMMAND}" -DINPUT=${manifest} -DOUTPUT=${embedded} -P "${ACTIONHOST_EMBED_SCRIPT}"
    DEPENDS "${manifest}" "${ACTIONHOST_EMBED_SCRIPT}"
    COMMENT "Embedding ${manifest_name} into ${target}"
    VERBATIM)

  add_library(${target} MODULE ${arg_SOURCES} "${embedded}")
  target_link_libraries(${target} PRIVATE actionhost::plugin_api)
  set_target_properties(${target} PROPERTIES
    PREFIX "lib"
    CXX_VISIBILITY_PRESET hidden
    C_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LIBRARY_OUTPUT_DIRECTORY "${arg_OUTPUT_DIRECTORY}"
    LINK_DEPENDS "${ACTIONHOST_PLUGIN_VERSION_SCRIPT}")
  # Sanitizer runtimes are provided by the executable, so --no-undefined cannot hold for them.
  if(NOT CMAKE_CXX_FLAGS MATCHES "-fsanitize")
    target_link_options(${target} PRIVATE "LINKER:--no-undefined")
  endif()
  target_link_options(${target} PRIVATE
                      "LINKER:--version-script=${ACTIONHOST_PLUGIN_VERSION_SCRIPT}")

  add_custom_command(TARGET ${target} POST_BUILD
    COMMAND "${CMAKE_COMMAND}" -E copy_if_different "${manifest}"
            "${arg_OUTPUT_DIRECTORY}/${manifest_name}"
    VERBATIM)

  if(NOT arg_NO_INSTALL)
    install(TARGETS ${target} LIBRARY DESTINATION "${ACTIONHOST_PLUGIN_INSTALL_DIR}")
    install(FILES "${manifest}" DESTINATION "${ACTIONHOST_PLUGIN_INSTALL_DIR}")
  endif()
endfunction()
