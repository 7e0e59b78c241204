# cmake -DINPUT=<manifest.json> -DOUTPUT=<file.cpp> -P EmbedManifest.cmake
# Writes the manifest's bytes as actionhost::embedded::manifest, a NUL-terminated char array.
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_length)
if(hex_length EQUAL 0)
  message(FATAL_ERROR "${INPUT} is empty")
endif()
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
string(REGEX REPLACE "(([^,]*,){16})" "\\1\n    " bytes "${bytes}")
file(WRITE "${OUTPUT}.tmp"
  "// Generated from ${INPUT} by EmbedManifest.cmake. Do not edit.\n"
  "namespace actionhost::embedded {\n"
  "extern const char manifest[] = {\n    ${bytes}'\\0'};\n"
  "}  // namespace actionhost::embedded\n")
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
