// The manifest actionhost_add_plugin() embeds (actionhost::embedded::manifest, a C++ name) under
// a C name, for a test plugin written in C.
namespace actionhost::embedded {
extern const char manifest[];
}

extern "C" const char* test_embedded_manifest(void) {
    return actionhost::embedded::manifest;
}
