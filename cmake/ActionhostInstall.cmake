# Install rules for what third parties build against: the plugin API headers, a CMake package
# (find_package(actionhost) -> actionhost::plugin_api and actionhost_add_plugin()) and a
# pkg-config file (actionhost-plugin.pc). The host (host/CMakeLists.txt) and the plugins
# (actionhost_add_plugin) install themselves.
#
# Layout under the prefix:
#   include/actionhost/{plugin_api.h,plugin.hpp,...}  plugin.hpp and the public headers it includes
#   include/actionhost/detail/*.hpp                  the glue behind AH_PLUGIN
#   <libdir>/cmake/actionhost/{actionhostConfig,actionhostConfigVersion,actionhostTargets}.cmake
#   <libdir>/cmake/actionhost/{ActionhostPlugin.cmake,EmbedManifest.cmake,plugin_exports.map}
#   <libdir>/pkgconfig/actionhost-plugin.pc
#   bin/actionhost, <libdir>/actionhost/plugins/<plugin>.{so,json}
include(CMakePackageConfigHelpers)

set(ACTIONHOST_CMAKE_INSTALL_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/actionhost")
set(ACTIONHOST_PKGCONFIG_INSTALL_DIR "${CMAKE_INSTALL_LIBDIR}/pkgconfig")

# The plugin API version, read from the header so it has one source.
file(STRINGS "${PROJECT_SOURCE_DIR}/plugin_api/include/actionhost/plugin_api.h" _ah_version_lines
     REGEX "^#define AH_PLUGIN_API_VERSION_(MAJOR|MINOR|PATCH) [0-9]+$")
foreach(_ah_part MAJOR MINOR PATCH)
  string(REGEX MATCH "AH_PLUGIN_API_VERSION_${_ah_part} ([0-9]+)" _ah_match "${_ah_version_lines}")
  set(_ah_api_${_ah_part} "${CMAKE_MATCH_1}")
endforeach()
set(ACTIONHOST_PLUGIN_API_VERSION "${_ah_api_MAJOR}.${_ah_api_MINOR}.${_ah_api_PATCH}")

install(DIRECTORY "${PROJECT_SOURCE_DIR}/plugin_api/include/actionhost"
        DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}" COMPONENT devel
        FILES_MATCHING PATTERN "*.h" PATTERN "*.hpp")
install(TARGETS plugin_api EXPORT actionhostTargets)
install(EXPORT actionhostTargets NAMESPACE actionhost:: DESTINATION "${ACTIONHOST_CMAKE_INSTALL_DIR}"
        COMPONENT devel)

# PACKAGE_INIT makes the config relocatable: it finds the prefix from its own location.
configure_package_config_file(
  "${PROJECT_SOURCE_DIR}/cmake/actionhostConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/package/actionhostConfig.cmake"
  INSTALL_DESTINATION "${ACTIONHOST_CMAKE_INSTALL_DIR}"
  PATH_VARS CMAKE_INSTALL_INCLUDEDIR ACTIONHOST_PLUGIN_INSTALL_DIR CMAKE_INSTALL_BINDIR)
# Header-only and CMake functions: nothing architecture-specific to match.
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/package/actionhostConfigVersion.cmake"
  VERSION "${PROJECT_VERSION}" COMPATIBILITY SameMajorVersion ARCH_INDEPENDENT)
install(FILES
          "${PROJECT_BINARY_DIR}/package/actionhostConfig.cmake"
          "${PROJECT_BINARY_DIR}/package/actionhostConfigVersion.cmake"
          "${PROJECT_SOURCE_DIR}/cmake/ActionhostPlugin.cmake"
          "${PROJECT_SOURCE_DIR}/cmake/EmbedManifest.cmake"
          "${PROJECT_SOURCE_DIR}/cmake/plugin_exports.map"
        DESTINATION "${ACTIONHOST_CMAKE_INSTALL_DIR}" COMPONENT devel)

# pkg-config: relative to the .pc file (${pcfiledir}), so `cmake --install --prefix` anywhere works.
file(RELATIVE_PATH ACTIONHOST_PC_PREFIX_FROM_PCDIR "/prefix/${ACTIONHOST_PKGCONFIG_INSTALL_DIR}"
     "/prefix")
string(REGEX REPLACE "/$" "" ACTIONHOST_PC_PREFIX_FROM_PCDIR "${ACTIONHOST_PC_PREFIX_FROM_PCDIR}")
configure_file("${PROJECT_SOURCE_DIR}/cmake/actionhost-plugin.pc.in"
               "${PROJECT_BINARY_DIR}/package/actionhost-plugin.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/package/actionhost-plugin.pc"
        DESTINATION "${ACTIONHOST_PKGCONFIG_INSTALL_DIR}" COMPONENT devel)
